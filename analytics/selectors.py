"""Reads of the event log: a campaign's events, newest first. Figures and charts read the
rollups instead (``analytics.rollups``, ``analytics.report``)."""

from __future__ import annotations

from analytics.models import Event
from campaigns.models import Campaign


def events_page(
    *, campaign: Campaign, type: str = "", page: int = 1, page_size: int = 50
) -> tuple[int, list[Event]]:
    qs = Event.objects.filter(campaign=campaign)
    if type:
        qs = qs.filter(type=type)
    total = qs.count()
    start = (page - 1) * page_size
    return total, list(qs.order_by("-occurred_at", "-id")[start : start + page_size])
