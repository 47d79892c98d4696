"""Writing to the event log: the sink behind ``core.events.events_record``, the one door the
sending pipeline, provider statuses, inbound messages and opt-outs use to add Event rows.

Registered when analytics starts (``analytics.apps``). The log is written one way: in bulk, in
batches of one size. Callers build ``core.events.NewEvent`` and call ``core.events.events_record``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from analytics.models import Event
from analytics.rollup_writer import rollups_add
from core.events import NewEvent

BATCH_SIZE = 1000


def events_record(events: Iterable[NewEvent]) -> int:
    """Append ``events`` in as few INSERTs as the batch size allows, and add them to their
    campaigns' rollups in the same transaction; answers how many."""
    events = list(events)
    rows = [
        Event(
            account_id=event.account_id,
            campaign_id=event.campaign_id,
            recipient_id=event.recipient_id,
            contact_id=event.contact_id,
            type=event.type,
            occurred_at=event.occurred_at,
            data=event.data,
            revenue=event.revenue,
        )
        for event in events
    ]
    if rows:
        with transaction.atomic(savepoint=False):
            Event.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            rollups_add(events)
    return len(rows)
