"""Every event of a campaign as CSV (the period and variant filters applied), read in keyset
pages of ``CHUNK`` by id: the log as it was written, bot clicks included and flagged, with the
fields people filter on (link, URL, device, conversion event, order) beside the whole data."""

from __future__ import annotations

import csv
import json

from django.db.models import Q, QuerySet

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


def events_csv_write(*, campaign: Campaign, filters: Filters, path: str, progress: Progress) -> int:
    """Write the file at ``path``; answers the rows written."""
    zone = zone_of(campaign.account.timezone)
    events = events_of(campaign, filters)
    total = events.count()
    progress(0, total)
    fields = (
        "pk",
        "occurred_at",
        "type",
        "recipient_id",
        "contact_id",
        "recipient__variant__key",
        "revenue",
        "data",
    )
    done = 0
    last_id = 0
    with open(path, "w", encoding=ENCODING, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        while True:
            page = list(events.filter(pk__gt=last_id).order_by("pk").values_list(*fields)[:CHUNK])
            if not page:
                break
            last_id = page[-1][0]
            for pk, at, kind, recipient, contact, variant, revenue, data in page:
                data = data if isinstance(data, dict) else {}
                writer.writerow(
                    [
                        pk,
                        time(at, zone),
                        kind,
                        recipient or "",
                        contact or "",
                        text(variant),
                        money(revenue),
                        *[text(data.get(key)) for key in _DATA_KEYS],
                        text(json.dumps(data, sort_keys=True, default=str)),
                    ]
                )
            done += len(page)
            progress(done, max(total, done))
    return done
