"""Click destinations: each tracked link of a campaign with its clicks, read from the rollups'
``link`` dimension (``analytics.rollups``), never from the click events.

A link of a variant is its own row (the same URL in two variants is two links); filtering by
variant keeps that variant's links and the links without a variant that its recipients got.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from analytics.rollups import Cells, Dim, Kind, rollup_by, rollup_totals
from campaigns.models import Campaign
from delivery.models import TrackedLink


class LinkFigures(TypedDict):
    link_id: int
    url: str
    label: str
    variant: str  # the variant's key, "" for the campaign's own message
    clicks: int  # human clicks, every one
    unique_clicks: int  # recipients who clicked this link (first click each)
    ctr: float  # unique clicks of delivered messages, in percent (as the report's rates)


def campaign_links(
    campaign: Campaign,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    variant: str | None = None,
    cells: Cells | None = None,
) -> list[LinkFigures]:
    """Every tracked link of ``campaign`` in the message's order (per variant), with its
    figures over the period; links nobody clicked are listed at zero."""
    if cells is not None:
        counts = cells.by(Dim.LINK, variant)
        delivered = cells.totals(variant)[Kind.DELIVERED]
    else:
        counts = rollup_by(campaign, Dim.LINK, since=since, until=until, variant=variant)
        totals = rollup_totals(campaign, since=since, until=until, variant=variant)
        delivered = totals[Kind.DELIVERED]
    links = TrackedLink.objects.filter(campaign=campaign).select_related("variant")
    if variant is not None:
        links = links.filter(variant__key=variant) | links.filter(variant__isnull=True)
    rows: list[LinkFigures] = []
    for link in links.order_by("variant__key", "position", "pk"):
        figures = counts.get(str(link.pk), {})
        unique = int(figures.get(Kind.CLICKED_UNIQUE, 0))
        rows.append(
            {
                "link_id": link.pk,
                "url": link.url,
                "label": link.label,
                "variant": link.variant.key if link.variant else "",
                "clicks": int(figures.get(Kind.CLICKED, 0)),
                "unique_clicks": unique,
                "ctr": round(100.0 * unique / delivered, 2) if delivered > 0 else 0.0,
            }
        )
    return rows
