"""The event log's port: apps below analytics record facts without importing it.

Callers describe each fact with ids (``NewEvent``), so they need neither the Event model nor
the rows it points at. ``events_record`` hands them to the one writer analytics registers when
it starts (``analytics.apps``) and runs it at once, in the caller's transaction: the events
commit or roll back with the change they describe.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from core.ports import Port


class EventType(models.TextChoices):
    """The kinds of fact in the log (``analytics.models.Event.Type`` is this class)."""

    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    FAILED = "failed", "Failed"
    CLICKED = "clicked", "Clicked"
    CONVERTED = "converted", "Converted"
    REPLIED = "replied", "Replied"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


@dataclass(frozen=True)
class NewEvent:
    """One fact to append, as the Event row's column values."""

    account_id: int
    type: str  # an EventType value
    occurred_at: dt.datetime
    data: dict[str, Any] = field(default_factory=dict)
    campaign_id: int | None = None
    recipient_id: int | None = None
    contact_id: int | None = None
    revenue: Decimal | None = None  # a conversion's value, in the account's currency


EventSink = Callable[[Iterable[NewEvent]], int]

sink: Port[EventSink] = Port("the event log's writer", owner="analytics")


def events_record(events: Iterable[NewEvent]) -> int:
    """Append ``events`` to the log; answers how many were written."""
    return sink.get()(events)
