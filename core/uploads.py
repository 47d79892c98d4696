"""Size limits of uploaded files, with one message for the pages and the API."""

from __future__ import annotations

from django.core.files import File

from core.error_codes import CoreErrorCode
from core.errors import ValidationFailed


class UploadTooLarge(ValidationFailed):
    """A file over its configured limit: the API answers 413; a page shows the message."""

    status_code = 413
    code = CoreErrorCode.TOO_LARGE


def size_text(size: int) -> str:
    """Bytes the way people read them: "5 MB", "2.5 MB", "800 KB", "120 bytes"."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def upload_size_problem(*, size: int, limit: int, what: str) -> str | None:
    """The sentence that refuses a file of ``size`` bytes over ``limit``; None when it fits."""
    if size <= limit:
        return None
    return f"The {what} is {size_text(size)}; the limit is {size_text(limit)}."


def upload_size_check(
    *, upload: File[bytes], limit: int, what: str, field: str = "file", hint: str = ""
) -> None:
    """Raise ``UploadTooLarge`` for an upload over ``limit`` bytes (``hint``: what to do)."""
    problem = upload_size_problem(size=getattr(upload, "size", 0) or 0, limit=limit, what=what)
    if problem is not None:
        problem = f"{problem} {hint}".strip()
        raise UploadTooLarge(
            f"{field}: {problem}", extra={"problems": [{"field": field, "message": problem}]}
        )
