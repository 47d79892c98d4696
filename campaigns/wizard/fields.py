"""Choices shared by the wizard's forms: time zones, contact fields, media limits."""

import zoneinfo

from templates_app import rendering

# WhatsApp Cloud API media limits, per kind: (extensions, content types, max bytes).
MEDIA_KINDS: dict[str, tuple[frozenset[str], frozenset[str], int]] = {
    "image": (frozenset({"jpg", "jpeg", "png"}), frozenset({"image/jpeg", "image/png"}), 5 << 20),
    "video": (frozenset({"mp4", "3gp"}), frozenset({"video/mp4", "video/3gpp"}), 16 << 20),
    "document": (
        frozenset({"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt"}),
        frozenset(
            {
                "application/pdf",
                "application/msword",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.ms-excel",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.ms-powerpoint",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "text/plain",
                "application/octet-stream",
            }
        ),
        100 << 20,
    ),
}
# Magic numbers, so a renamed executable is not accepted as a picture.
MAGIC = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF",),
}

_FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name",
    "phone": "Phone",
    "email": "Email",
    "country": "Country",
    "timezone": "Time zone",
}
# The contact fields a variable can read, in the renderer's order (its list is the one list).
CONTACT_FIELDS = [(name, _FIELD_LABELS[name]) for name in rendering.CONTACT_FIELDS]


def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith("Etc/")
    )
    return [("UTC", "UTC"), *((z, z.replace("_", " ")) for z in zones)]


def media_kind_for(extension: str) -> str | None:
    for kind, (extensions, _types, _size) in MEDIA_KINDS.items():
        if extension in extensions:
            return kind
    return None
