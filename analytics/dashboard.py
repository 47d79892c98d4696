"""The account's campaigns side by side over a period: one read of the rollups' ``total``
cells grouped by campaign, so the comparison costs the same for ten campaigns of a million
recipients as for ten of a hundred (never a scan of events or recipients)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from accounts.models import Account
from analytics.models import Rollup
from analytics.money import campaigns_cost
from analytics.rollups import Dim, Kind

ZERO = Decimal("0")


@dataclass
class CampaignFigures:
    id: int
    name: str
    status: str
    type: str
    sent: int = 0
    delivered: int = 0
    read: int = 0
    clicked: int = 0  # recipients who clicked (first human click)
    converted: int = 0  # recipients who converted
    conversions: int = 0
    revenue: Decimal = ZERO
    cost: Decimal | None = None  # None: no price known for what it sent
    counts: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def ctr(self) -> float:
        return round(100.0 * self.clicked / self.delivered, 2) if self.delivered else 0.0

    @property
    def conversion_rate(self) -> float:
        return round(100.0 * self.converted / self.delivered, 2) if self.delivered else 0.0

    @property
    def roi(self) -> Decimal | None:
        if not self.cost:
            return None
        return ((self.revenue - self.cost) / self.cost).quantize(Decimal("0.0001"))

    @property
    def roi_percent(self) -> float | None:
        return float(self.roi * 100) if self.roi is not None else None


# Sort keys of the page's columns (``?sort=ctr``, ``?sort=-revenue``); None sorts last.
SORTS: dict[str, Callable[[CampaignFigures], Any]] = {
    "name": lambda c: c.name.lower(),
    "sent": lambda c: c.sent,
    "delivered": lambda c: c.delivered,
    "read": lambda c: c.read,
    "ctr": lambda c: c.ctr,
    "converted": lambda c: c.converted,
    "conversion_rate": lambda c: c.conversion_rate,
    "revenue": lambda c: c.revenue,
    "cost": lambda c: c.cost,
    "roi": lambda c: c.roi,
}
DEFAULT_SORT = "-sent"


def sort_key(sort: str) -> tuple[str, bool]:
    """(column, descending) of a ``?sort=`` value; anything unknown is the default."""
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    if column not in SORTS:
        return DEFAULT_SORT.lstrip("-"), True
    return column, descending


def campaigns_compare(
    *,
    account: Account,
    since: dt.date | None = None,
    until: dt.date | None = None,
    sort: str = DEFAULT_SORT,
) -> list[CampaignFigures]:
    """The account's live campaigns that had any event in the period (UTC days, inclusive),
    with their figures over that period, sorted by ``sort``."""
    cells = Rollup.objects.filter(
        campaign__account=account, campaign__deleted_at__isnull=True, dimension=Dim.TOTAL
    )
    if since is not None:
        cells = cells.filter(day__gte=since)
    if until is not None:
        cells = cells.filter(day__lte=until)
    rows = (
        cells.order_by()
        .values_list("campaign_id", "campaign__name", "campaign__status", "campaign__type", "kind")
        .annotate(n=Sum("count"), total=Sum("value"))
    )
    found: dict[int, CampaignFigures] = {}
    for pk, name, status, type_, kind, n, total in rows:
        figures = found.get(pk)
        if figures is None:
            figures = found[pk] = CampaignFigures(id=pk, name=name, status=status, type=type_)
        figures.counts[kind] = int(n or 0)
        if kind == Kind.CONVERTED:
            figures.revenue = total or ZERO
    for figures in found.values():
        counts = figures.counts
        figures.sent = counts.get(Kind.SENT, 0)
        figures.delivered = counts.get(Kind.DELIVERED, 0)
        figures.read = counts.get(Kind.READ, 0)
        figures.clicked = counts.get(Kind.CLICKED_UNIQUE, 0)
        figures.converted = counts.get(Kind.CONVERTED_UNIQUE, 0)
        figures.conversions = counts.get(Kind.CONVERTED, 0)
    _add_costs(list(found.values()), account=account, since=since, until=until)
    column, descending = sort_key(sort)
    key = SORTS[column]
    known = [c for c in found.values() if key(c) is not None]
    unknown = [c for c in found.values() if key(c) is None]
    known.sort(key=lambda c: (key(c), c.name.lower()), reverse=descending)
    return known + sorted(unknown, key=lambda c: c.name.lower())


def _add_costs(
    campaigns: list[CampaignFigures],
    *,
    account: Account,
    since: dt.date | None,
    until: dt.date | None,
) -> None:
    """Each campaign's cost: the account's price table over the messages it sent by country
    in the period (``analytics.money``), for every campaign of the list at once."""
    costs = campaigns_cost(
        account=account, campaign_ids=[c.id for c in campaigns], since=since, until=until
    )
    for figures in campaigns:
        figures.cost = costs.get(figures.id)
