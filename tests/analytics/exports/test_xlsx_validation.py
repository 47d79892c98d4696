"""The XLSX of the analytics validation test's simulated campaign (bots, conversions, days
and time zones) equals the plain reading of its events: the workbook is read back into the
report's shape and held to the same checks as the report itself (tests/analytics/
test_validation.py), whole and filtered."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from analytics.exports.services import export_start
from analytics.models import Export
from analytics.report import Filters
from tests.analytics.oracle import truth
from tests.analytics.test_validation import _check, simulated  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _report_from(wb) -> dict:
    """The workbook read back into the report's shape (only what ``_check`` reads)."""
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    currency = summary["Currency"]
    zone_name = summary["Time zone of the times"]
    zone = ZoneInfo(zone_name)
    figures = ("sent", "delivered", "read", "failed", "clicked", "converted")
    labels = ("Sent", "Delivered", "Read", "Failed", "Clicked (recipients)")
    labels += ("Converted (recipients)",)
    heat = list(wb["Heatmap"].iter_rows(values_only=True))
    starts = {str(row[0]).split(" ")[0]: i for i, row in enumerate(heat) if row and row[0]}
    devices: dict[str, list] = {"device": [], "os": [], "browser": []}
    for row in _rows(wb["Devices"]):
        devices[row["Dimension"]].append({"name": row["Name"], "clicks": row["Human clicks"]})
    return {
        "funnel": [{"stage": r["Stage"], "count": r["Count"]} for r in _rows(wb["Funnel"])],
        "timeseries": {
            "hourly": [
                {
                    "at": r[f"Hour ({zone_name})"].replace(tzinfo=zone),
                    **{f: r[label] for f, label in zip(figures, labels, strict=True)},
                    "clicks": r["Human clicks"],
                }
                for r in _rows(wb["Hourly"])
            ],
            "daily": [
                {
                    "day": r[f"Day ({zone_name})"].date(),
                    **{f: r[label] for f, label in zip(figures, labels, strict=True)},
                }
                for r in _rows(wb["Daily"])
            ],
        },
        "heatmap": {
            "read": [list(row[1:]) for row in heat[starts["Reads"] + 1 :][:7]],
            "clicked": [list(row[1:]) for row in heat[starts["Clicks"] + 1 :][:7]],
        },
        "byCountry": [
            {
                "country": r["Country code"] or "",
                **{f: r[label] for f, label in zip(figures, labels, strict=True)},
                "clicks": r["Human clicks"],
            }
            for r in _rows(wb["Countries"])
        ],
        "byDevice": devices,
        "conversions": [
            {
                "event": r["Event"],
                "count": r["Conversions"],
                "value": _money(r[f"Value ({currency})"]),
            }
            for r in _rows(wb["Conversions"])
        ],
        "revenue": _money(summary[f"Revenue ({currency})"]),
        "byVariant": [
            {
                "variant": r["Key"] or "",
                **{f: r[label] for f, label in zip(figures, labels, strict=True)},
            }
            for r in _rows(wb["Variants"])
        ],
    }


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(since=dt.date(2026, 3, 3), until=dt.date(2026, 3, 3)),
        Filters(variant="B", since=dt.date(2026, 3, 4)),
    ],
)
def test_the_xlsx_equals_the_events(simulated, account, filters, inline_pipeline):  # noqa: F811
    # when the report is exported as XLSX (the task run inline)
    export = inline_pipeline(
        lambda: export_start(
            campaign=simulated, kind=Export.Kind.REPORT_XLSX, filters=filters, created_by=None
        )
    )
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    with export.file.open("rb") as handle:
        report = _report_from(load_workbook(handle))

    # then every sheet equals the plain reading of the events
    t = truth(
        simulated,
        account_zone=account.timezone,
        since=filters.since,
        until=filters.until,
        variant=filters.variant,
    )
    if filters.since or filters.until:
        t.recipients = report["funnel"][0]["count"]
    _check(report, t)
    if filters == Filters():
        assert report["revenue"] == Decimal("180.00")
