"""A campaign's analytics report: the one read behind the analytics page, the API's
``/analytics`` and the exports, so the three show the same figures.

Every figure comes from the rollups (``analytics.rollups``) and the campaign's own row: a
report costs a handful of small queries whatever the campaign's size. Filters: a period of
UTC days and one variant.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

import pycountry

from analytics.links import campaign_links
from analytics.money import campaign_money, recipients_in_scope
from analytics.rollups import Cells, Dim, Kind
from campaigns.models import Campaign, Variant
from campaigns.timing import zone_of

# The figures each series, country and variant row carries, in the page's order.
FIGURES = ("sent", "delivered", "read", "failed", "clicked", "converted")
FUNNEL = ("recipients", "sent", "delivered", "read", "clicked", "converted")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Filters:
    """The report's period (inclusive UTC days; None: unbounded) and variant (None: all)."""

    since: dt.date | None = None
    until: dt.date | None = None
    variant: str | None = None

    @property
    def whole(self) -> bool:
        return self.since is None and self.until is None and self.variant is None


class FunnelStage(TypedDict):
    stage: str
    count: int
    ofPrevious: float  # percent of the stage before
    ofRecipients: float


class Report(TypedDict):
    campaignId: int
    currency: str
    timezone: str
    filters: dict[str, Any]
    funnel: list[FunnelStage]
    timeseries: dict[str, list[dict[str, Any]]]
    heatmap: dict[str, Any]
    byCountry: list[dict[str, Any]]
    byDevice: dict[str, list[dict[str, Any]]]
    links: list[dict[str, Any]]
    conversions: list[dict[str, Any]]
    byVariant: list[dict[str, Any]]
    cost: Decimal | None
    revenue: Decimal
    roi: float | None
    revenuePerRecipient: Decimal | None


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _figures(counts: dict[str, int]) -> dict[str, int]:
    """The page's figures from a rollup cell's kinds: clicks and conversions by recipient."""
    return {
        "sent": counts.get(Kind.SENT, 0),
        "delivered": counts.get(Kind.DELIVERED, 0),
        "read": counts.get(Kind.READ, 0),
        "failed": counts.get(Kind.FAILED, 0),
        "clicked": counts.get(Kind.CLICKED_UNIQUE, 0),
        "clicks": counts.get(Kind.CLICKED, 0),
        "converted": counts.get(Kind.CONVERTED_UNIQUE, 0),
        "conversions": counts.get(Kind.CONVERTED, 0),
    }


def funnel(cells: Cells, filters: Filters, recipients: int) -> list[FunnelStage]:
    totals = _figures(cells.totals(filters.variant))
    counts = {"recipients": recipients, **totals}
    stages: list[FunnelStage] = []
    previous = counts["recipients"]
    for stage in FUNNEL:
        n = counts[stage]
        stages.append(
            {
                "stage": stage,
                "count": n,
                "ofPrevious": _pct(n, previous),
                "ofRecipients": _pct(n, counts["recipients"]),
            }
        )
        previous = n
    return stages


def timeseries(cells: Cells, filters: Filters, zone: ZoneInfo) -> dict[str, list]:
    """By hour (UTC hours shown at their local time) and by local day."""
    hourly: list[dict[str, Any]] = []
    daily: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for row in cells.series(filters.variant):
        at = dt.datetime.combine(row["day"], dt.time(row["hour"]), tzinfo=dt.UTC)
        figures = _figures(row["counts"])
        figures = {k: figures[k] for k in FIGURES} | {"clicks": figures["clicks"]}
        hourly.append({"at": at.astimezone(zone), **figures})
        day = daily[at.astimezone(zone).date()]
        for key in FIGURES:
            day[key] += figures[key]
    return {
        "hourly": hourly,
        "daily": [{"day": day, **daily[day]} for day in sorted(daily)],
    }


def heatmap(cells: Cells, filters: Filters) -> dict[str, Any]:
    """Reads and human clicks by weekday × hour, each in its recipient's own time zone."""
    matrices = {kind: [[0] * 24 for _ in WEEKDAYS] for kind in ("read", "clicked", "delivered")}
    for key, kinds in cells.by(Dim.LOCAL, filters.variant).items():
        weekday, hour = key.split("-")
        for kind, matrix_kind in ((Kind.READ, "read"), (Kind.CLICKED, "clicked")):
            matrices[matrix_kind][int(weekday) - 1][int(hour)] += int(kinds.get(kind, 0))
        matrices["delivered"][int(weekday) - 1][int(hour)] += int(kinds.get(Kind.DELIVERED, 0))
    return {"days": list(WEEKDAYS), "hours": list(range(24)), **matrices}


def _country(code: str) -> tuple[str, str]:
    """(name, alpha-3) of an alpha-2 code; unknown codes keep their letters."""
    found = pycountry.countries.get(alpha_2=code) if code else None
    if found is None:
        return (code or "Unknown", "")
    return (getattr(found, "common_name", None) or found.name, found.alpha_3)


def by_country(cells: Cells, filters: Filters) -> list[dict[str, Any]]:
    rows = []
    for code, kinds in cells.by(Dim.COUNTRY, filters.variant, with_values=True).items():
        name, iso3 = _country(code)
        figures = _figures({k: int(v) for k, v in kinds.items() if not k.endswith("_value")})
        rows.append(
            {
                "country": code,
                "name": name,
                "iso3": iso3,
                **figures,
                "revenue": kinds.get("converted_value", Decimal("0")),
            }
        )
    return sorted(rows, key=lambda r: (-r["sent"], -r["delivered"], r["name"]))


def by_device(cells: Cells, filters: Filters) -> dict[str, list[dict[str, Any]]]:
    """Human clicks by device type, OS and browser (from the clicks' user agents)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for dimension in (Dim.DEVICE, Dim.OS, Dim.BROWSER):
        counted = cells.by(dimension, filters.variant).items()
        rows = [{"name": key, "clicks": int(k.get(Kind.CLICKED, 0))} for key, k in counted]
        out[str(dimension)] = sorted(rows, key=lambda r: (-r["clicks"], r["name"]))
    return out


def conversions(cells: Cells, filters: Filters) -> list[dict[str, Any]]:
    rows = [
        {
            "event": name,
            "count": int(kinds.get(Kind.CONVERTED, 0)),
            "unique": int(kinds.get(Kind.CONVERTED_UNIQUE, 0)),
            "value": kinds.get("converted_value", Decimal("0")),
        }
        for name, kinds in cells.by(Dim.EVENT, filters.variant, with_values=True).items()
    ]
    return sorted(rows, key=lambda r: (-r["count"], r["event"]))


def by_variant(cells: Cells, filters: Filters, variants: list[Variant]) -> list[dict[str, Any]]:
    names = {v.key: (v.name, v.recipients_total) for v in variants}
    counted = cells.by_variant()
    rows = []
    for key in sorted(set(counted) | set(names)):
        if filters.variant is not None and key != filters.variant:
            continue
        figures = _figures(counted.get(key, {}))
        name, recipients = names.get(key, ("No variant", 0))
        rows.append(
            {
                "variant": key,
                "name": name,
                "recipients": recipients,
                **figures,
                "deliveryRate": _pct(figures["delivered"], figures["sent"]),
                "readRate": _pct(figures["read"], figures["delivered"]),
                "clickRate": _pct(figures["clicked"], figures["delivered"]),
                "conversionRate": _pct(figures["converted"], figures["delivered"]),
            }
        )
    return rows


def campaign_report(*, campaign: Campaign, filters: Filters | None = None) -> Report:
    """The report in a fixed handful of queries: the rollups once (``Cells``), the variants,
    the links and the price table."""
    filters = filters or Filters()
    account = campaign.account
    zone = zone_of(account.timezone)
    cells = Cells(campaign, since=filters.since, until=filters.until)
    variants = list(campaign.variants.all())
    recipients = recipients_in_scope(campaign, variant=filters.variant, variants=variants)
    money = campaign_money(
        campaign,
        since=filters.since,
        until=filters.until,
        variant=filters.variant,
        cells=cells,
        recipients=recipients,
    )
    links = campaign_links(
        campaign, since=filters.since, until=filters.until, variant=filters.variant, cells=cells
    )
    return {
        "campaignId": campaign.pk,
        "currency": account.currency,
        "timezone": str(zone),
        "filters": {
            "since": filters.since,
            "until": filters.until,
            "variant": filters.variant,
        },
        "funnel": funnel(cells, filters, recipients),
        "timeseries": timeseries(cells, filters, zone),
        "heatmap": heatmap(cells, filters),
        "byCountry": by_country(cells, filters),
        "byDevice": by_device(cells, filters),
        "links": [dict(row) for row in links],
        "conversions": conversions(cells, filters),
        "byVariant": by_variant(cells, filters, variants),
        "cost": money.cost,
        "revenue": money.revenue,
        "roi": float(money.roi) if money.roi is not None else None,
        "revenuePerRecipient": money.revenue_per_recipient,
    }
