"""Writing to the event log: the sink behind ``core.events.events_record``, the one door the
sending pipeline, provider statuses, inbound messages and opt-outs use to add Event rows.

Registered when analytics starts (``analytics.apps``). The log is written one way: in bulk, in
batches of one size. Callers build ``core.events.NewEvent`` and call ``core.events.events_record``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, transaction

from analytics.models import Event
from analytics.rollup_writer import rollups_add
from core.bulk import arrays_insert
from core.events import NewEvent

BATCH_SIZE = 1000


def events_record(events: Iterable[NewEvent]) -> int:
    """Append ``events`` in as few INSERTs as the batch size allows, and add them to their
    campaigns' rollups in the same transaction; answers how many."""
    events = list(events)
    if not events:
        return 0
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            _insert_arrays(events)
        else:
            Event.objects.bulk_create([_row(event) for event in events], batch_size=BATCH_SIZE)
        rollups_add(events)
    return len(events)


def _row(event: NewEvent) -> Event:
    return Event(
        account_id=event.account_id,
        campaign_id=event.campaign_id,
        recipient_id=event.recipient_id,
        contact_id=event.contact_id,
        type=event.type,
        occurred_at=event.occurred_at,
        data=event.data,
        revenue=event.revenue,
    )


_COLUMNS = (
    ("account_id", "bigint"),
    ("campaign_id", "bigint"),
    ("recipient_id", "bigint"),
    ("contact_id", "bigint"),
    ("type", "text"),
    ("occurred_at", "timestamptz"),
    ("data", "jsonb"),
    ("revenue", "numeric"),
)


def _insert_arrays(events: list[NewEvent]) -> None:
    """PostgreSQL: one ``unnest()`` INSERT per thousand events (``core.bulk.arrays_insert``):
    no model instance and no per-value quoting in Python, which were most of a status
    webhook's time. ``data`` goes as JSON text, written as ``json.dumps`` writes it, as the
    JSONField does."""
    for start in range(0, len(events), BATCH_SIZE):
        batch = events[start : start + BATCH_SIZE]
        arrays_insert(
            Event._meta.db_table,
            _COLUMNS,
            [
                [e.account_id for e in batch],
                [e.campaign_id for e in batch],
                [e.recipient_id for e in batch],
                [e.contact_id for e in batch],
                [str(e.type) for e in batch],
                [e.occurred_at for e in batch],
                [json.dumps(e.data) for e in batch],
                [e.revenue for e in batch],
            ],
        )
