"""Writing to the event log: the one door the sending pipeline, provider statuses and inbound
messages use to add Event rows.

Callers describe each fact with ids (``NewEvent``), so they need neither the Event model nor
the rows it points at, and the log is written one way: in bulk, in batches of one size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from analytics.models import Event

EventType = Event.Type
BATCH_SIZE = 1000


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


def events_record(events: Iterable[NewEvent]) -> int:
    """Append ``events`` in as few INSERTs as the batch size allows; answers how many."""
    rows = [
        Event(
            account_id=event.account_id,
            campaign_id=event.campaign_id,
            recipient_id=event.recipient_id,
            contact_id=event.contact_id,
            type=event.type,
            occurred_at=event.occurred_at,
            data=event.data,
        )
        for event in events
    ]
    if rows:
        Event.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)
