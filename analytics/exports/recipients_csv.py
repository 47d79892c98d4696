"""Recipients as CSV: one row per recipient with the contact, variant, status, the time of
each step, the error and the recipient's clicks and conversions.

The counts come from one GROUP BY over the campaign's clicked and converted events, run once
before the first row (bot clicks left out; the period filter applies to them); the recipients
are then read in keyset pages of ``CHUNK`` by id, so memory holds one page plus the counts of
the recipients who clicked or converted. The variant filter selects the recipients.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from analytics.exports.csv_files import CHUNK, ENCODING, Progress, money, text, time
from analytics.exports.filters import period_bounds
from analytics.models import Event
from analytics.report import Filters
from campaigns.models import Campaign
from campaigns.timing import zone_of
from delivery.models import Recipient

COLUMNS = [
    "recipient_id",
    "phone",
    "email",
    "first_name",
    "last_name",
    "variant",
    "status",
    "sent_at",
    "delivered_at",
    "read_at",
    "failed_at",
    "clicked_at",
    "converted_at",
    "error_code",
    "error_title",
    "clicks",
    "conversions",
    "conversion_value",
]
_FIELDS = (
    "pk",
    "contact__phone",
    "contact__email",
    "contact__first_name",
    "contact__last_name",
    "variant__key",
    "status",
    "sent_at",
    "delivered_at",
    "read_at",
    "failed_at",
    "clicked_at",
    "converted_at",
    "error_code",
    "error_title",
)


def recipients_of(campaign: Campaign, filters: Filters) -> QuerySet[Recipient]:
    recipients = Recipient.objects.filter(campaign=campaign)
    if filters.variant == "":
        recipients = recipients.filter(variant__isnull=True)
    elif filters.variant is not None:
        recipients = recipients.filter(variant__key=filters.variant)
    return recipients


def engagement_counts(campaign: Campaign, filters: Filters) -> dict[int, list[Any]]:
    """recipient id → [human clicks, conversions, conversion value], in one GROUP BY."""
    events = Event.objects.filter(campaign=campaign, recipient__isnull=False)
    start, end = period_bounds(filters)
    if start:
        events = events.filter(occurred_at__gte=start)
    if end:
        events = events.filter(occurred_at__lt=end)
    human_click = Q(type=Event.Type.CLICKED) & (Q(data__bot=False) | Q(data__bot__isnull=True))
    rows = (
        events.filter(human_click | Q(type=Event.Type.CONVERTED))
        .order_by()
        .values_list("recipient_id", "type")
        .annotate(n=Count("id"), value=Sum("revenue"))
    )
    counts: dict[int, list[Any]] = {}
    for recipient_id, kind, n, value in rows:
        cell = counts.setdefault(recipient_id, [0, 0, Decimal("0")])
        if kind == Event.Type.CLICKED:
            cell[0] = n
        else:
            cell[1] = n
            cell[2] = value or Decimal("0")
    return counts


def recipients_csv_write(
    *, campaign: Campaign, filters: Filters, path: str, progress: Progress
) -> int:
    """Write the file at ``path``; answers the rows written."""
    zone = zone_of(campaign.account.timezone)
    recipients = recipients_of(campaign, filters)
    total = recipients.count()
    progress(0, total)
    counts = engagement_counts(campaign, filters)
    none = (0, 0, Decimal("0"))
    done = 0
    last_id = 0
    with open(path, "w", encoding=ENCODING, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        while True:
            page = list(
                recipients.filter(pk__gt=last_id).order_by("pk").values_list(*_FIELDS)[:CHUNK]
            )
            if not page:
                break
            last_id = page[-1][0]
            for row in page:
                (pk, phone, email, first, last, variant, status, *times, code, title) = row
                clicks, conversions, value = counts.get(pk, none)
                writer.writerow(
                    [
                        pk,
                        text(phone),
                        text(email),
                        text(first),
                        text(last),
                        text(variant),
                        status,
                        *[time(t, zone) for t in times],
                        text(code),
                        text(title),
                        clicks,
                        conversions,
                        money(value),
                    ]
                )
            done += len(page)
            progress(done, max(total, done))
    return done
