"""The analytics report as XLSX: one sheet per table of ``campaign_report`` (the same read as
the page and the API), numbers as numbers, days as dates and hours as date-times in the
account's zone (Excel has no time zones: the zone is named in the headers).

openpyxl writes in write-only mode (rows go to disk as they are appended). Every text cell is
written as a string, never as a formula, whatever it starts with: a variant, link or event
named "=HYPERLINK(…)" stays text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from analytics.exports.csv_files import Progress
from analytics.exports.filters import filters_describe
from analytics.report import Filters, Report, campaign_report
from campaigns.models import Campaign

MONEY = "#,##0.00"
PERCENT = '0.00"%"'  # the report's rates are percents already (12.5 means 12.5 %)
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
_BOLD = Font(bold=True)

# (key in the report's row, header, number format or "")
Column = tuple[str, str, str]

FIGURES: list[Column] = [
    ("sent", "Sent", ""),
    ("delivered", "Delivered", ""),
    ("read", "Read", ""),
    ("failed", "Failed", ""),
    ("clicked", "Clicked (recipients)", ""),
    ("converted", "Converted (recipients)", ""),
]
# Beside the recipients, the countries and variants count every human click and conversion.
COUNTS: list[Column] = [("clicks", "Human clicks", ""), ("conversions", "Conversions", "")]
SHEETS = (
    "Summary",
    "Funnel",
    "Hourly",
    "Daily",
    "Heatmap",
    "Countries",
    "Devices",
    "Links",
    "Conversions",
    "Variants",
)


def _cell(ws: WriteOnlyWorksheet, value: Any, number_format: str = "", bold: bool = False) -> Any:
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)  # already in the account's zone
        number_format = number_format or DATETIME
    elif isinstance(value, dt.date):
        number_format = number_format or DATE
    elif isinstance(value, Decimal | float) and not number_format:
        number_format = "0.00"
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = _BOLD
    return cell


def _header(ws: WriteOnlyWorksheet, labels: Iterable[str]) -> None:
    ws.append([_cell(ws, label, bold=True) for label in labels])


def _table(
    ws: WriteOnlyWorksheet, rows: Sequence[Mapping[str, Any]], columns: list[Column]
) -> None:
    _header(ws, [label for _, label, _ in columns])
    for row in rows:
        ws.append([_cell(ws, row.get(key), fmt) for key, _, fmt in columns])


def _columns_of(rows: Sequence[dict[str, Any]]) -> list[Column]:
    """Columns of a table whose shape the report may grow (links): every key, in order."""
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return [(key, key, "") for key in keys] or [("link", "No tracked links", "")]


def _summary(ws: WriteOnlyWorksheet, campaign: Campaign, report: Report, filters: Filters) -> None:
    funnel = {stage["stage"]: stage["count"] for stage in report["funnel"]}
    generated = timezone.now().astimezone(dt.UTC)
    rows: list[tuple[str, Any, str]] = [
        ("Account", campaign.account.name, ""),
        ("Campaign", campaign.name, ""),
        ("Campaign id", campaign.pk, ""),
        ("Filters", filters_describe(filters), ""),
        ("From (UTC day)", filters.since, ""),
        ("Until (UTC day)", filters.until, ""),
        ("Time zone of the times", report["timezone"], ""),
        ("Currency", report["currency"], ""),
        ("Generated (UTC)", generated, ""),
        *[(stage.capitalize(), funnel.get(stage, 0), "") for stage in funnel],
        (f"Revenue ({report['currency']})", report["revenue"], MONEY),
        (f"Cost ({report['currency']})", report["cost"], MONEY),
        ("ROI ((revenue − cost) / cost)", report["roi"], "0.00"),
        (f"Revenue per recipient ({report['currency']})", report["revenuePerRecipient"], MONEY),
    ]
    _header(ws, ["Figure", "Value"])
    for label, value, fmt in rows:
        ws.append([_cell(ws, label, bold=True), _cell(ws, value, fmt)])


def _heatmap(ws: WriteOnlyWorksheet, report: Report) -> None:
    heatmap = report["heatmap"]
    for kind, title in (("read", "Reads"), ("clicked", "Clicks"), ("delivered", "Deliveries")):
        _header(
            ws, [f"{title} (recipient's local time)", *[f"{h:02d}:00" for h in heatmap["hours"]]]
        )
        for day, counts in zip(heatmap["days"], heatmap[kind], strict=True):
            ws.append([_cell(ws, day, bold=True), *counts])
        ws.append([])


def _devices(ws: WriteOnlyWorksheet, report: Report) -> None:
    _header(ws, ["Dimension", "Name", "Human clicks"])
    for dimension, rows in report["byDevice"].items():
        for row in rows:
            ws.append([_cell(ws, dimension), _cell(ws, row["name"]), row["clicks"]])


def report_xlsx_write(
    *, campaign: Campaign, filters: Filters, path: str, progress: Progress
) -> int:
    """Write the workbook at ``path``; answers the sheets written (its progress unit)."""
    total = len(SHEETS)
    progress(0, total)
    report = campaign_report(campaign=campaign, filters=filters)
    zone = report["timezone"]
    currency = report["currency"]
    wb = Workbook(write_only=True)
    writers: dict[str, Callable[[WriteOnlyWorksheet], None]] = {
        "Summary": lambda ws: _summary(ws, campaign, report, filters),
        "Funnel": lambda ws: _table(
            ws,
            report["funnel"],
            [
                ("stage", "Stage", ""),
                ("count", "Count", ""),
                ("ofPrevious", "Of the stage before (%)", PERCENT),
                ("ofRecipients", "Of recipients (%)", PERCENT),
            ],
        ),
        "Hourly": lambda ws: _table(
            ws,
            report["timeseries"]["hourly"],
            [("at", f"Hour ({zone})", DATETIME), *FIGURES, ("clicks", "Human clicks", "")],
        ),
        "Daily": lambda ws: _table(
            ws, report["timeseries"]["daily"], [("day", f"Day ({zone})", DATE), *FIGURES]
        ),
        "Heatmap": lambda ws: _heatmap(ws, report),
        "Countries": lambda ws: _table(
            ws,
            report["byCountry"],
            [
                ("country", "Country code", ""),
                ("name", "Country", ""),
                *FIGURES,
                *COUNTS,
                ("revenue", f"Revenue ({currency})", MONEY),
            ],
        ),
        "Devices": lambda ws: _devices(ws, report),
        "Links": lambda ws: _table(ws, report["links"], _columns_of(report["links"])),
        "Conversions": lambda ws: _table(
            ws,
            report["conversions"],
            [
                ("event", "Event", ""),
                ("count", "Conversions", ""),
                ("unique", "Recipients", ""),
                ("value", f"Value ({currency})", MONEY),
            ],
        ),
        "Variants": lambda ws: _table(
            ws,
            report["byVariant"],
            [
                ("variant", "Key", ""),
                ("name", "Name", ""),
                ("recipients", "Recipients", ""),
                *FIGURES,
                *COUNTS,
                ("deliveryRate", "Delivery rate (%)", PERCENT),
                ("readRate", "Read rate (%)", PERCENT),
                ("clickRate", "Click rate (%)", PERCENT),
                ("conversionRate", "Conversion rate (%)", PERCENT),
            ],
        ),
    }
    for done, title in enumerate(SHEETS, start=1):
        ws = wb.create_sheet(title=title)
        writers[title](ws)
        progress(done, total)
    wb.save(path)
    return total
