"""The report's filters as people write them (a query string, a form, the API) and as an
export stores them (JSON), with one validation: a bad date or an unknown variant is a 422
with the field's name, never a silently empty file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from analytics.report import Filters
from campaigns.models import Campaign
from core.errors import ValidationFailed

# The variant value that means "recipients given no variant" (unless a variant is keyed "-").
# Empty or absent means every variant.
NO_VARIANT = "-"


def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        f"{field}: {message}", extra={"problems": [{"field": field, "message": message}]}
    )


def _date(data: Mapping[str, Any], field: str) -> dt.date | None:
    raw = data.get(field)
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise _problem(field, "must be a date written YYYY-MM-DD.") from None


def filters_parse(data: Mapping[str, Any], *, campaign: Campaign) -> Filters:
    """``since``/``until`` (inclusive UTC days) and ``variant`` (a key of the campaign's
    variants, ``-`` for none, empty for all) read from ``data``."""
    since = _date(data, "since")
    until = _date(data, "until")
    if since and until and until < since:
        raise _problem("until", "must be on or after the start date.")
    raw = data.get("variant")
    variant: str | None = None
    if raw not in (None, ""):
        key = str(raw).strip()
        if campaign.variants.filter(key=key).exists():
            variant = key
        elif key == NO_VARIANT:
            variant = ""
        else:
            raise _problem("variant", f"this campaign has no variant “{key[:32]}”.")
    return Filters(since=since, until=until, variant=variant)


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
