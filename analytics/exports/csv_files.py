"""What the two CSV exports share: the chunk size, the cell rules and the file's encoding.

Cells people typed (names, e-mails, URLs, event names) go through audience's ``cell_safe``,
the one formula guard of every CSV the product hands out: a cell starting with = + - @ gets a
leading ' (phone numbers such as +33612… stay as they are). Files are UTF-8 with a BOM, so
Excel reads accents and non-Latin names right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

from audience.services.exports import cell_safe

CHUNK = 5_000
ENCODING = "utf-8-sig"

# progress(done, total): called once with the total before the first chunk, then per chunk.
Progress = Callable[[int, int], None]


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return cell_safe(str(value))


def time(value: dt.datetime | None, zone: ZoneInfo) -> str:
    """ISO 8601 in the account's zone, with its offset: unambiguous and sortable."""
    return value.astimezone(zone).isoformat(timespec="seconds") if value else ""


def money(value: Decimal | None) -> str:
    return f"{value:.2f}" if value is not None else ""
