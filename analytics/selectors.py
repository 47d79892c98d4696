"""Reads of the event log: a campaign's events, its hourly series, and its analytics report
(the series beside delivery's breakdowns of the recipients). The analytics work grows here."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import Count
from django.db.models.functions import TruncHour

from analytics.models import Event
from campaigns.models import Campaign
from delivery.selectors import recipient_breakdowns

SERIES_TYPES = ("sent", "delivered", "read", "failed")


class CampaignAnalytics(TypedDict):
    """The series and breakdowns; their rows are ``values()`` rows, keyed by the figures'
    names (``sent``, ``delivered``, …) beside the hour, variant or country."""

    hourly: list[dict[str, Any]]
    byVariant: list[dict[str, Any]]
    byCountry: list[dict[str, Any]]
    byStatus: dict[str, int]


def events_page(
    *, campaign: Campaign, type: str = "", page: int = 1, page_size: int = 50
) -> tuple[int, list[Event]]:
    qs = Event.objects.filter(campaign=campaign)
    if type:
        qs = qs.filter(type=type)
    total = qs.count()
    start = (page - 1) * page_size
    return total, list(qs.order_by("-occurred_at", "-id")[start : start + page_size])


def hourly_series(*, campaign: Campaign) -> list[dict[str, Any]]:
    """Per-hour sent / delivered / read / failed, from the events (every run of a recurring
    campaign, where the recipients hold only the current one)."""
    hourly: dict[dt.datetime, dict[str, int]] = {}
    rows = (
        Event.objects.filter(campaign=campaign, type__in=SERIES_TYPES)
        .annotate(hour=TruncHour("occurred_at", tzinfo=dt.UTC))
        .order_by()
        .values_list("hour", "type")
        .annotate(n=Count("id"))
    )
    for hour, kind, n in rows:
        hourly.setdefault(hour, dict.fromkeys(SERIES_TYPES, 0))[kind] = n
    series = [{"hour": hour, **hourly[hour]} for hour in sorted(hourly)]
    return series


def campaign_analytics(*, campaign: Campaign) -> CampaignAnalytics:
    """The hourly series from the events; breakdowns by variant, country and status from
    the recipients."""
    return {"hourly": hourly_series(campaign=campaign), **recipient_breakdowns(campaign=campaign)}
