"""The report as XLSX: one sheet per table of ``campaign_report``, each equal to the report
(and the main figures to the raw events), numbers as numbers, days as dates, text never a
formula."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from analytics.exports.report_xlsx import SHEETS
from analytics.exports.services import export_start
from analytics.models import Event, Export
from analytics.report import Filters, campaign_report

pytestmark = pytest.mark.django_db


def _workbook(campaign, filters, inline_pipeline):
    export = inline_pipeline(
        lambda: export_start(
            campaign=campaign, kind=Export.Kind.REPORT_XLSX, filters=filters, created_by=None
        )
    )
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    assert (export.rows_done, export.rows_total) == (len(SHEETS), len(SHEETS))
    with export.file.open("rb") as handle:
        return load_workbook(handle)


def _table(ws):
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_every_sheet_equals_the_report_and_the_raw_events(world, inline_pipeline):
    campaign = world.campaign
    report = campaign_report(campaign=campaign)

    wb = _workbook(campaign, Filters(), inline_pipeline)

    assert wb.sheetnames == list(SHEETS)
    # Funnel: the report's, and clicked/converted are the recipients counted from the events
    funnel = {r["Stage"]: r["Count"] for r in _table(wb["Funnel"])}
    assert funnel == {s["stage"]: s["count"] for s in report["funnel"]}
    events = Event.objects.filter(campaign=campaign)
    human = {e.recipient_id for e in events.filter(type="clicked") if not e.data.get("bot")}
    buyers = {e.recipient_id for e in events.filter(type="converted")}
    assert funnel["clicked"] == len(human) == 3
    assert funnel["converted"] == len(buyers) == 2
    assert funnel["delivered"] == events.filter(type="delivered").count() == 5

    # Summary: revenue is a number equal to the sum of the conversions' revenue
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    revenue = sum(e.revenue or 0 for e in events.filter(type="converted"))
    assert Decimal(str(summary["Revenue (EUR)"])) == revenue == Decimal("42.50")
    assert summary["Campaign"] == "Spring sale"
    assert summary["Currency"] == "EUR"
    assert isinstance(summary["Generated (UTC)"], dt.datetime)

    # Daily: dates as dates, figures as the report's
    daily = _table(wb["Daily"])
    assert [r["Day (Europe/Paris)"].date() for r in daily] == [
        d["day"] for d in report["timeseries"]["daily"]
    ]
    assert [r["Sent"] for r in daily] == [d["sent"] for d in report["timeseries"]["daily"]]
    assert wb["Daily"]["A2"].number_format == "yyyy-mm-dd"

    # Hourly: local date-times
    hourly = _table(wb["Hourly"])
    assert [r["Hour (Europe/Paris)"] for r in hourly] == [
        h["at"].replace(tzinfo=None) for h in report["timeseries"]["hourly"]
    ]
    assert sum(r["Human clicks"] for r in hourly) == 4

    # Countries, conversions, variants, devices
    countries = {r["Country code"]: r for r in _table(wb["Countries"])}
    assert {c: r["Sent"] for c, r in countries.items()} == {"FR": 3, "US": 2, "JP": 1}
    conversions = {r["Event"]: r for r in _table(wb["Conversions"])}
    assert conversions["purchase"]["Conversions"] == 2
    assert conversions["purchase"]["Value (EUR)"] == 42.5
    assert conversions["signup"]["Recipients"] == 1
    variants = {r["Key"]: r for r in _table(wb["Variants"])}
    assert variants["A"]["Clicked (recipients)"] == 2
    assert variants["B"]["Converted (recipients)"] == 1
    by_key = {v["variant"]: v for v in report["byVariant"]}
    assert variants["A"]["Click rate (%)"] == by_key["A"]["clickRate"] == 66.67
    assert variants[None]["Name"] == "No variant"  # the empty key reads back as an empty cell
    devices = _table(wb["Devices"])
    assert {(r["Dimension"], r["Name"]): r["Human clicks"] for r in devices} == {
        ("device", "mobile"): 4,
        ("os", "iOS"): 4,
        ("browser", "Mobile Safari"): 4,
    }

    # Heatmap: reads by local weekday × hour (Monday 10:05 in Paris)
    heat = list(wb["Heatmap"].iter_rows(values_only=True))
    assert heat[0][0].startswith("Reads")
    monday = heat[1]
    assert monday[0] == "Mon"
    assert monday[1 + 10] == 5
    assert sum(sum(row[1:]) for row in heat[1:8]) == 5


def test_text_is_never_a_formula(world, inline_pipeline):
    wb = _workbook(world.campaign, Filters(), inline_pipeline)

    ws = wb["Variants"]
    cells = {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}
    assert cells["A"].value == "=1+1"
    assert cells["A"].data_type == "s"


def test_filters_apply_to_every_sheet(world, inline_pipeline):
    filters = Filters(since=dt.date(2026, 3, 3), until=dt.date(2026, 3, 3))

    wb = _workbook(world.campaign, filters, inline_pipeline)

    funnel = {r["Stage"]: r["Count"] for r in _table(wb["Funnel"])}
    assert (funnel["sent"], funnel["clicked"], funnel["converted"]) == (0, 1, 1)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Revenue (EUR)"] == 30
    assert summary["From (UTC day)"].date() == dt.date(2026, 3, 3)
