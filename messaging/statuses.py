"""What a provider said about a message, in our words: the ``StatusUpdate`` that every
webhook parser and the sandbox produce, and the port through which they hand updates over.

Applying an update moves a campaign's recipient, which is the delivery app's business: it
registers its applier from ``DeliveryConfig.ready()``, so messaging never imports the layers
above it. Nothing registered is a wiring bug, and raises: a status is never dropped silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from django.utils import timezone

from core.ports import Port

SENT, DELIVERED, READ, FAILED = "sent", "delivered", "read", "failed"
UNDELIVERED = "undelivered"
STATUSES = (SENT, DELIVERED, READ, FAILED)

CALLBACK_PREFIX = "recipient:"


@dataclass(frozen=True)
class StatusUpdate:
    provider_message_id: str
    status: str  # sent | delivered | read | failed
    timestamp: dt.datetime | int | str | None = None  # aware datetime or Unix seconds
    recipient_id: int | None = None  # from our callback data, for reconciliation
    error_code: str = ""
    error_title: str = ""
    error_details: str = ""
    sender_id: int | None = None  # limits the update to this sender's campaigns


@dataclass
class ApplyResult:
    applied: int = 0  # updates that moved a recipient forward
    ignored: int = 0  # repeats and stale (backward) updates
    unknown: int = 0  # no recipient matched
    recipient_ids: list[int] = field(default_factory=list)


def callback_recipient_id(callback_data: str | None) -> int | None:
    """Our recipient id from ``biz_opaque_callback_data`` (``recipient:<id>``)."""
    if not callback_data or not str(callback_data).startswith(CALLBACK_PREFIX):
        return None
    try:
        return int(str(callback_data)[len(CALLBACK_PREFIX) :])
    except ValueError:
        return None


def as_utc(value: dt.datetime | int | str | None) -> dt.datetime:
    """A ``StatusUpdate``'s timestamp as an aware datetime; now when it has none or a bad one."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    if value is None:
        return timezone.now()
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


class Applier(Protocol):
    def __call__(self, *, updates: list[StatusUpdate]) -> ApplyResult: ...


applier: Port[Applier] = Port("the status applier", owner="delivery")


def statuses_apply(*, updates: list[StatusUpdate]) -> ApplyResult:
    """Hand parsed updates to the registered applier (same transaction as the caller)."""
    return applier.get()(updates=updates)
