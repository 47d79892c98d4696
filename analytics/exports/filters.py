"""The report's filters as people write them (a query string, a form, the API) and as an
export stores them (JSON), read by the pages' form (``analytics.forms``): a bad date or an
unknown variant is a 422 with the field's name, never a silently empty file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from analytics.forms import NO_VARIANT, ReportFilterForm
from analytics.report import Filters
from campaigns.models import Campaign
from core.errors import ValidationFailed


def filters_parse(data: Mapping[str, Any], *, campaign: Campaign) -> Filters:
    """``since``/``until`` (inclusive UTC days) and ``variant`` (a key of the campaign's
    variants, ``-`` for none, empty for all) read from ``data`` by the pages' form; refused
    input raises ``ValidationFailed`` with a problem per field."""
    values = {
        field: value.isoformat() if isinstance(value, dt.date) else value
        for field in ("since", "until", "variant")
        if (value := data.get(field)) is not None
    }
    form = ReportFilterForm(values, campaign=campaign)
    if not form.is_valid():
        problems = form.problems()
        raise ValidationFailed(
            "; ".join(f"{p['field']}: {p['message']}" for p in problems),
            extra={"problems": problems},
        )
    return form.filters()


def filters_json(filters: Filters) -> dict[str, str | None]:
    return {
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
        "variant": filters.variant,
    }


def filters_load(data: Mapping[str, Any]) -> Filters:
    """Filters stored by ``filters_json`` (already validated when the export started)."""
    since, until = data.get("since"), data.get("until")
    variant = data.get("variant")
    return Filters(
        since=dt.date.fromisoformat(since) if since else None,
        until=dt.date.fromisoformat(until) if until else None,
        variant=str(variant) if variant is not None else None,
    )


def filters_query(filters: Filters) -> dict[str, str]:
    """The query-string form of ``filters`` (what ``filters_parse`` reads back)."""
    query: dict[str, str] = {}
    if filters.since:
        query["since"] = filters.since.isoformat()
    if filters.until:
        query["until"] = filters.until.isoformat()
    if filters.variant is not None:
        query["variant"] = filters.variant or NO_VARIANT
    return query


def filters_describe(filters: Filters) -> str:
    """The filters in words, for a page header and the XLSX summary."""
    if filters.since and filters.until:
        period = f"{filters.since:%Y-%m-%d} to {filters.until:%Y-%m-%d} (UTC days)"
    elif filters.since:
        period = f"from {filters.since:%Y-%m-%d} (UTC)"
    elif filters.until:
        period = f"until {filters.until:%Y-%m-%d} (UTC)"
    else:
        period = "the whole campaign"
    if filters.variant is None:
        variant = "every variant"
    elif filters.variant == "":
        variant = "recipients without a variant"
    else:
        variant = f"variant {filters.variant}"
    return f"{period}, {variant}"


def period_bounds(filters: Filters) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The filters' days as a half-open UTC interval [start, end)."""
    start = dt.datetime.combine(filters.since, dt.time(), tzinfo=dt.UTC) if filters.since else None
    end = (
        dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        if filters.until
        else None
    )
    return start, end
