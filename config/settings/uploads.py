"""Where uploaded files are kept, and how large an upload may be.

Two roots, kept apart: ``MEDIA_ROOT`` is public (``make run`` serves its ``campaign-media/``
folder at ``MEDIA_URL``, because providers fetch the pictures and documents a campaign sends);
``PRIVATE_MEDIA_ROOT`` is never served at any URL. Contact imports and their rejected rows go
there, and only the download views, which check the account and the role, hand them out.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str

from .base import BASE_DIR, MEDIA_ROOT, STATIC_ROOT

PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
for _name, _public in (("MEDIA_ROOT", MEDIA_ROOT), ("STATIC_ROOT", STATIC_ROOT)):
    # A private root inside a served one would be served with it.
    if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(Path(_public).resolve()):
        raise ImproperlyConfigured(
            f"PRIVATE_MEDIA_ROOT ({PRIVATE_MEDIA_ROOT}) must not be inside {_name} ({_public})."
        )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "core.storage.PrivateStorage"},
}


def _positive(name: str, default: int) -> int:
    value = env_int(name, default)
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be a positive number of bytes, not {value}.")
    return value


# The largest CSV a contact import accepts (the page and the API refuse a larger one with the
# limit in the message; nothing is stored). 25 MiB holds about 250,000 contacts of ten columns.
CONTACT_IMPORT_MAX_BYTES = _positive("CONTACT_IMPORT_MAX_BYTES", 25 * 1024 * 1024)
# The largest media file the campaign wizard accepts, below each kind's own provider limit
# (images 5 MB, videos 16 MB, documents 100 MB for WhatsApp).
MEDIA_UPLOAD_MAX_BYTES = _positive("MEDIA_UPLOAD_MAX_BYTES", 16 * 1024 * 1024)

# Campaign exports (they name recipients) are deleted this many days after they are written;
# the export's row stays, marked expired (a daily task: analytics.exports.tasks.exports_expire).
EXPORTS_KEEP_DAYS = env_int("EXPORTS_KEEP_DAYS", 7)
