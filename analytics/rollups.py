"""The rollups' vocabulary and reads: a campaign's events counted by day, variant and one
dimension (``analytics.models.Rollup``), so its stats and charts never scan its events.

Reads filter by UTC day (``since``/``until`` inclusive) and variant, and sum over the rest;
their cost follows the number of days and keys, not of recipients.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from enum import StrEnum
from typing import TypedDict

from django.db import connection
from django.db.models import QuerySet, Sum

from analytics.models import Rollup
from campaigns.models import Campaign


class Dim(StrEnum):
    """What a rollup row's ``key`` holds."""

    TOTAL = "total"  # ""
    HOUR = "hour"  # "00".."23", the UTC hour of the row's day
    LOCAL = "local"  # "<ISO weekday 1-7>-<HH>" in the recipient's own time zone
    COUNTRY = "country"  # ISO 3166-1 alpha-2, "" unknown
    LINK = "link"  # a TrackedLink's id
    DEVICE = "device"  # mobile | tablet | desktop | other
    OS = "os"
    BROWSER = "browser"
    EVENT = "event"  # a conversion's event name


class Kind(StrEnum):
    """What a rollup row counts (its ``value`` sums revenue, on ``converted`` rows)."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    REPLIED = "replied"
    UNSUBSCRIBED = "unsubscribed"
    CLICKED = "clicked"  # human clicks, every one
    CLICKED_UNIQUE = "clicked_unique"  # first human click of a recipient (on ``link``: per link)
    BOT_CLICKED = "bot_clicked"
    CONVERTED = "converted"
    CONVERTED_UNIQUE = "converted_unique"  # first conversion of a recipient


class SeriesRow(TypedDict):
    day: dt.date
    hour: int
    counts: dict[str, int]


def _cells(
    campaign: Campaign | int,
    dimension: Dim,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    variant: str | None = None,
) -> QuerySet[Rollup]:
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    qs = Rollup.objects.filter(campaign_id=campaign_id, dimension=dimension)
    if since is not None:
        qs = qs.filter(day__gte=since)
    if until is not None:
        qs = qs.filter(day__lte=until)
    if variant is not None:
        qs = qs.filter(variant_key=variant)
    return qs.order_by()


def rollup_totals(
    campaign: Campaign | int,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    variant: str | None = None,
) -> dict[str, int]:
    """Each kind's count over the period (every kind present, zero when none)."""
    totals = dict.fromkeys(Kind, 0)
    rows = _cells(campaign, Dim.TOTAL, since=since, until=until, variant=variant)
    for kind, n in rows.values_list("kind").annotate(n=Sum("count")):
        totals[kind] = n
    return {str(k): v for k, v in totals.items()}


def rollup_values(
    campaign: Campaign | int,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    variant: str | None = None,
) -> dict[str, Decimal]:
    """Each kind's summed value over the period (revenue on ``converted``)."""
    rows = _cells(campaign, Dim.TOTAL, since=since, until=until, variant=variant)
    return {
        kind: total or Decimal("0")
        for kind, total in rows.values_list("kind").annotate(total=Sum("value"))
    }


def rollup_by(
    campaign: Campaign | int,
    dimension: Dim,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    variant: str | None = None,
    with_values: bool = False,
) -> dict[str, dict[str, int | Decimal]]:
    """``{key: {kind: count}}`` over the period; with ``with_values``, also
    ``{"<kind>_value": sum}`` beside each count."""
    out: dict[str, dict[str, int | Decimal]] = defaultdict(dict)
    rows = _cells(campaign, dimension, since=since, until=until, variant=variant)
    for key, kind, n, total in rows.values_list("key", "kind").annotate(
        n=Sum("count"), total=Sum("value")
    ):
        out[key][kind] = n
        if with_values:
            out[key][f"{kind}_value"] = total or Decimal("0")
    return dict(out)


def rollup_by_variant(
    campaign: Campaign | int,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, dict[str, int]]:
    """``{variant_key: {kind: count}}`` over the period ("" is the message without variant)."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    rows = _cells(campaign, Dim.TOTAL, since=since, until=until)
    for key, kind, n in rows.values_list("variant_key", "kind").annotate(n=Sum("count")):
        out[key][kind] = n
    return dict(out)


def rollup_series(
    campaign: Campaign | int,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    variant: str | None = None,
) -> list[SeriesRow]:
    """One row per UTC hour that has events, in time order, with each kind's count."""
    cells: dict[tuple[dt.date, int], dict[str, int]] = defaultdict(dict)
    rows = _cells(campaign, Dim.HOUR, since=since, until=until, variant=variant)
    for day, key, kind, n in rows.values_list("day", "key", "kind").annotate(n=Sum("count")):
        cells[(day, int(key))][kind] = n
    return [{"day": day, "hour": hour, "counts": cells[(day, hour)]} for day, hour in sorted(cells)]


CENT = Decimal("0.01")

# (dimension, day — for the hour dimension only, variant_key, key, kind, count, value)
CellRow = tuple[str, dt.date | None, str, str, str, int, Decimal]


class Cells:
    """A campaign's rollups over a period, read in ONE query, with the same reads as the
    functions above (``totals``, ``values``, ``by``, ``by_variant``, ``series``), each
    optionally for one variant. A report reads it once instead of a query per section:
    at a million recipients the queries' compilation and round trips were most of its time.
    """

    def __init__(
        self,
        campaign: Campaign | int,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> None:
        campaign_id = campaign if isinstance(campaign, int) else campaign.pk
        # Hand-written: the ORM's per-value converters were half the report's time at a
        # million recipients (thousands of cells, each a date and a Decimal).
        q = connection.ops.quote_name
        where: list[str] = [f"{q('campaign_id')} = %s"]
        params: list[int | dt.date] = [campaign_id]
        if since is not None:
            where.append(f"{q('day')} >= %s")
            params.append(since)
        if until is not None:
            where.append(f"{q('day')} <= %s")
            params.append(until)
        sql = (
            f"SELECT {q('dimension')}, CASE WHEN {q('dimension')} = %s THEN {q('day')} END, "
            f"{q('variant_key')}, {q('key')}, {q('kind')}, SUM({q('count')}), SUM({q('value')}) "
            f"FROM {q(Rollup._meta.db_table)} WHERE {' AND '.join(where)} "
            "GROUP BY 1, 2, 3, 4, 5"
        )
        self.rows: dict[str, list[CellRow]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(sql, [str(Dim.HOUR), *params])
            fetched = cursor.fetchall()
        for dimension, day, variant, key, kind, n, total in fetched:
            if isinstance(day, str):  # SQLite answers dates as text, sums as numbers
                day = dt.date.fromisoformat(day)
            if not isinstance(total, Decimal):
                total = Decimal(str(total or 0)).quantize(CENT)
            self.rows[dimension].append((dimension, day, variant, key, kind, int(n), total))

    def _of(self, dimension: Dim, variant: str | None) -> list[CellRow]:
        rows = self.rows.get(dimension, [])
        return rows if variant is None else [r for r in rows if r[2] == variant]

    def totals(self, variant: str | None = None) -> dict[str, int]:
        totals = dict.fromkeys((str(k) for k in Kind), 0)
        for _, _, _, _, kind, n, _ in self._of(Dim.TOTAL, variant):
            totals[kind] = totals.get(kind, 0) + n
        return totals

    def values(self, variant: str | None = None) -> dict[str, Decimal]:
        values: dict[str, Decimal] = defaultdict(Decimal)
        for _, _, _, _, kind, _, total in self._of(Dim.TOTAL, variant):
            values[kind] += total
        return dict(values)

    def by(
        self, dimension: Dim, variant: str | None = None, *, with_values: bool = False
    ) -> dict[str, dict[str, int | Decimal]]:
        out: dict[str, dict[str, int | Decimal]] = defaultdict(dict)
        for _, _, _, key, kind, n, total in self._of(dimension, variant):
            cell = out[key]
            cell[kind] = cell.get(kind, 0) + n
            if with_values:
                name = f"{kind}_value"
                cell[name] = Decimal(cell.get(name, 0)) + total
        return dict(out)

    def by_variant(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for _, _, variant, _, kind, n, _ in self._of(Dim.TOTAL, None):
            out[variant][kind] = out[variant].get(kind, 0) + n
        return dict(out)

    def series(self, variant: str | None = None) -> list[SeriesRow]:
        cells: dict[tuple[dt.date, int], dict[str, int]] = defaultdict(dict)
        for _, day, _, key, kind, n, _ in self._of(Dim.HOUR, variant):
            assert day is not None
            counts = cells[(day, int(key))]
            counts[kind] = counts.get(kind, 0) + n
        return [
            {"day": day, "hour": hour, "counts": cells[(day, hour)]} for day, hour in sorted(cells)
        ]
