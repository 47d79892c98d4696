"""Text the database can store: the one check that every input passes through.

PostgreSQL refuses a NUL character in text and in JSON, and no database driver can encode a
lone UTF-16 surrogate (``"\\ud800"`` in JSON decodes to one in Python). Either one reaching a
query was a 500; free text without a length cap let a 5 MB "description" in. The request
guard (``core.middleware``), the page forms (``core.forms``) and the filter engine ask this
module, so the message and the limit are the same everywhere.
"""

import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings

NUL_MESSAGE = "Remove the NUL character (\\0): it cannot be stored."
SURROGATE_MESSAGE = (
    "Contains an invalid character (a lone UTF-16 surrogate such as \\ud800); "
    "send the text as valid Unicode."
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_max_length() -> int:
    """The longest free text accepted anywhere (``TEXT_MAX_LENGTH``)."""
    return settings.TEXT_MAX_LENGTH


def too_long_message(limit: int, length: int) -> str:
    return f"Use at most {limit:,} characters (this has {length:,})."


def text_problem(value: str, *, max_length: int | None = None) -> str | None:
    """Why ``value`` cannot be stored, or None. ``max_length`` defaults to ``TEXT_MAX_LENGTH``."""
    if "\x00" in value:
        return NUL_MESSAGE
    if _SURROGATE.search(value):
        return SURROGATE_MESSAGE
    limit = text_max_length() if max_length is None else max_length
    if len(value) > limit:
        return too_long_message(limit, len(value))
    return None


def unstorable(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """``(path, message)`` for every string inside ``data`` (keys included) that cannot be
    stored; ``path`` is the tuple of keys and indexes that leads to it."""
    if isinstance(data, str):
        problem = text_problem(data)
        if problem:
            yield path, problem
    elif isinstance(data, dict):
        for key, value in data.items():
            key_problem = text_problem(key) if isinstance(key, str) else None
            if key_problem:
                yield (*path, key), f"In this key's name: {key_problem}"
            else:
                yield from unstorable(value, (*path, key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from unstorable(value, (*path, index))


def dotted(path: tuple) -> str:
    """``("audience", "segmentIds", 0)`` → ``audience.segmentIds.0`` (the API's field paths)."""
    return ".".join(printable(str(part)) for part in path)


def printable(value: str) -> str:
    """``value`` safe to show and to encode: NUL and lone surrogates written as escapes."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\0")
