"""Every event of a campaign as CSV (the period and variant filters applied), in time order,
read in keyset pages of ``CHUNK``: the log as it was written, bot clicks included and flagged,
with the fields people filter on (link, URL, device, conversion event, order) beside the whole
data."""

from __future__ import annotations

import csv
import datetime as dt
import heapq
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from analytics.exports.csv_files import CHUNK, ENCODING, Progress, money, text, time
from analytics.exports.filters import period_bounds
from analytics.models import Event
from analytics.report import Filters
from campaigns.models import Campaign
from campaigns.timing import zone_of

COLUMNS = [
    "event_id",
    "occurred_at",
    "type",
    "recipient_id",
    "contact_id",
    "variant",
    "revenue",
    "link_id",
    "url",
    "device",
    "os",
    "browser",
    "country",
    "bot",
    "event",
    "order_id",
    "data",
]
# Columns read from the event's data, in COLUMNS' order.
_DATA_KEYS = ("link_id", "url", "device", "os", "browser", "country", "bot", "event", "order_id")


def events_of(campaign: Campaign, filters: Filters) -> QuerySet[Event]:
    events = Event.objects.filter(campaign=campaign)
    start, end = period_bounds(filters)
    if start:
        events = events.filter(occurred_at__gte=start)
    if end:
        events = events.filter(occurred_at__lt=end)
    if filters.variant == "":
        # As the rollups count them: an event whose recipient has no variant, or no recipient.
        events = events.filter(Q(recipient__isnull=True) | Q(recipient__variant__isnull=True))
    elif filters.variant is not None:
        events = events.filter(recipient__variant__key=filters.variant)
    return events


def _flag(value: object) -> str:
    """A JSON boolean read as text: PostgreSQL says true/false, SQLite 1/0."""
    if value is None:
        return ""
    return "true" if str(value).lower() in ("true", "1") else "false"


def _pages(events: QuerySet[Event], fields: tuple[str, ...]) -> Iterator[Any]:
    """The rows of ``events`` (all of one type) in (occurred_at, id) order, a page at a time,
    each page starting where the last ended on the (campaign, type, occurred_at) index: the
    total work is linear in the events, never a re-read of the rest per page."""
    events = events.order_by("occurred_at", "pk")
    last: tuple[dt.datetime, int] | None = None
    while True:
        after = events
        if last is not None:
            after = events.filter(occurred_at__gte=last[0]).filter(
                Q(occurred_at__gt=last[0]) | Q(occurred_at=last[0], pk__gt=last[1])
            )
        page = list(after.values_list(*fields)[:CHUNK])
        yield from page
        if len(page) < CHUNK:
            return
        last = (page[-1][1], page[-1][0])


def events_csv_write(*, campaign: Campaign, filters: Filters, path: str, progress: Progress) -> int:
    """Write the file at ``path``, in time order; answers the rows written.

    One keyset stream per event type (the index the log already has for its campaign
    queries), merged in (occurred_at, id) order; progress is stored every ``CHUNK`` rows.
    """
    zone = zone_of(campaign.account.timezone)
    events = events_of(campaign, filters)
    total = events.count()
    progress(0, total)
    # The data's fields are read by the database as text (no JSON decoded and encoded again
    # per row in Python: the export's main cost at millions of events).
    extracted = {f"d_{key}": KT(f"data__{key}") for key in _DATA_KEYS}
    fields = (
        "pk",
        "occurred_at",
        "type",
        "recipient_id",
        "contact_id",
        "recipient__variant__key",
        "revenue",
        *extracted,
        "data_text",
    )
    events = events.annotate(**extracted, data_text=Cast("data", TextField()))
    streams = [_pages(events.filter(type=kind), fields) for kind in Event.Type.values]
    rows = heapq.merge(*streams, key=lambda row: (row[1], row[0]))
    bot = _DATA_KEYS.index("bot")
    done = 0
    with open(path, "w", encoding=ENCODING, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for pk, at, kind, recipient, contact, variant, revenue, *data, raw in rows:
            data[bot] = _flag(data[bot])
            writer.writerow(
                [
                    pk,
                    time(at, zone),
                    kind,
                    recipient or "",
                    contact or "",
                    text(variant),
                    money(revenue),
                    *[text(value) for value in data],
                    text(raw),
                ]
            )
            done += 1
            if done % CHUNK == 0:
                progress(done, max(total, done))
    if done % CHUNK or not done:
        progress(done, max(total, done))
    return done
