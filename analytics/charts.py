"""The analytics page's plotly figures, built from a campaign report (``analytics.report``).

Each figure is a plain ``{"data": [...], "layout": {...}}`` that the page hands to plotly.js
through ``json_script``; ``static/analytics/charts.js`` only draws what it is given, so what
a chart shows is decided here, beside the tables that carry the same numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from analytics.report import Report

Figure = dict[str, Any]

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
COLORS = {
    "recipients": "#98a2b3",
    "sent": "#1d5fbf",
    "delivered": "#0b7a5a",
    "read": "#4f57c5",
    "failed": "#c0342b",
    "clicked": "#d69e00",
    "clicks": "#d69e00",
    "converted": "#167a3e",
    "unique": "#0b7a5a",
}
LABELS = {
    "recipients": "Recipients",
    "sent": "Sent",
    "delivered": "Delivered",
    "read": "Read",
    "failed": "Failed",
    "clicked": "Clicked",
    "clicks": "Clicks",
    "converted": "Converted",
}
SERIES = ("sent", "delivered", "read", "clicks", "converted")
MAX_FILLED_HOURS = 24 * 92  # a quarter of hours drawn one by one


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": {"family": FONT, "size": 12, "color": "#1c2430"},
        "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.2},
        "height": 320,
    }
    layout.update(extra)
    return layout


def _number(value: Decimal | float | int | None) -> float:
    return float(value) if value is not None else 0.0


def funnel(report: Report) -> Figure:
    stages = report["funnel"]
    return {
        "data": [
            {
                "type": "funnel",
                "y": [LABELS[s["stage"]] for s in stages],
                "x": [s["count"] for s in stages],
                "textinfo": "value+percent initial",
                "marker": {"color": [COLORS[s["stage"]] for s in stages]},
                "hoverinfo": "y+x+percent previous+percent initial",
            }
        ],
        "layout": _layout(margin={"l": 96, "r": 16, "t": 8, "b": 24}),
    }


def _hours(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hourly rows with the quiet hours between them as zeros, so a line never slopes
    across hours that had nothing; a very long span keeps only its active hours."""
    if not rows:
        return []
    first = rows[0]["at"]
    start, end = first.astimezone(dt.UTC), rows[-1]["at"].astimezone(dt.UTC)  # real hours
    span = int((end - start).total_seconds() // 3600) + 1
    if span > MAX_FILLED_HOURS:
        return rows
    zone = first.tzinfo
    by_hour = {row["at"].astimezone(dt.UTC): row for row in rows}
    empty = dict.fromkeys(SERIES, 0)
    filled = []
    for n in range(span):
        at = start + dt.timedelta(hours=n)
        filled.append(by_hour.get(at) or {"at": at.astimezone(zone), **empty})
    return filled


def hourly(report: Report) -> Figure:
    rows = _hours(report["timeseries"]["hourly"])
    x = [row["at"].strftime("%Y-%m-%d %H:%M") for row in rows]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": LABELS[key],
                "x": x,
                "y": [row[key] for row in rows],
                "line": {"color": COLORS[key], "width": 2, "shape": "hvh"},
            }
            for key in SERIES
        ],
        "layout": _layout(xaxis={"type": "date"}, yaxis={"rangemode": "tozero"}),
    }


def daily(report: Report) -> Figure:
    rows = report["timeseries"]["daily"]
    x = [row["day"].isoformat() for row in rows]
    return {
        "data": [
            {
                "type": "bar",
                "name": LABELS[key],
                "x": x,
                "y": [row[key] for row in rows],
                "marker": {"color": COLORS[key]},
            }
            for key in ("sent", "delivered", "read", "clicked", "converted")
        ],
        "layout": _layout(barmode="group", xaxis={"type": "date"}),
    }


def heatmap(report: Report, kind: str) -> Figure:
    grid = report["heatmap"]
    return {
        "data": [
            {
                "type": "heatmap",
                "z": grid[kind],
                "x": [f"{h:02d}" for h in grid["hours"]],
                "y": grid["days"],
                # low counts light, high counts dark on either scale
                "colorscale": "Greens" if kind == "read" else "YlOrBr",
                "reversescale": kind == "read",
                # Cells drawn one by one (gaps) and no colour bar: plotly's fast image path
                # and its colour bar set style attributes, which the CSP refuses; the table
                # below has the values, and hovering a cell shows its own.
                "xgap": 1,
                "ygap": 1,
                "showscale": False,
                "hovertemplate": "%{y} %{x}:00 · %{z}<extra></extra>",
            }
        ],
        "layout": _layout(
            height=280,
            yaxis={"autorange": "reversed"},
            xaxis={"title": {"text": "Hour of day (recipient's local time)"}},
        ),
    }


def countries(report: Report, topojson_url: str) -> Figure:
    rows = [r for r in report["byCountry"] if r["iso3"]]
    return {
        "data": [
            {
                "type": "choropleth",
                "locationmode": "ISO-3",
                "locations": [r["iso3"] for r in rows],
                "z": [r["delivered"] for r in rows],
                "text": [r["name"] for r in rows],
                "colorscale": "Greens",
                "reversescale": True,
                "showscale": False,  # its colour bar sets a style attribute the CSP refuses
                "hovertemplate": "%{text}: %{z} delivered<extra></extra>",
            }
        ],
        "layout": _layout(
            height=380,
            margin={"l": 0, "r": 0, "t": 0, "b": 0},
            geo={"showframe": False, "projection": {"type": "natural earth"}},
        ),
        "config": {"topojsonURL": topojson_url},
    }


def device(rows: list[dict[str, Any]], color: str) -> Figure:
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [r["name"] or "Unknown" for r in rows],
                "x": [r["clicks"] for r in rows],
                "marker": {"color": color},
                "hovertemplate": "%{y}: %{x} clicks<extra></extra>",
            }
        ],
        "layout": _layout(
            height=max(160, 40 + 28 * len(rows)),
            margin={"l": 110, "r": 16, "t": 8, "b": 32},
            yaxis={"autorange": "reversed"},
        ),
    }


def link_rows(report: Report) -> list[dict[str, Any]]:
    """The report's links as the page shows them, whichever case their keys were written in
    (the click tracking's selector answers snake_case names)."""
    rows = []
    for row in report["links"]:
        unique = row.get("unique_clicks", row.get("uniqueClicks", 0))
        rows.append(
            {
                "id": row.get("link_id", row.get("linkId")),
                "url": row.get("url", ""),
                "label": row.get("label", "") or row.get("url", ""),
                "clicks": int(row.get("clicks", 0)),
                "unique": int(unique or 0),
                "ctr": _number(row.get("ctr")),
            }
        )
    return rows


def links(rows: list[dict[str, Any]]) -> Figure:
    names = [r["label"] for r in rows]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "Clicks",
                "y": names,
                "x": [r["clicks"] for r in rows],
                "marker": {"color": COLORS["clicks"]},
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": "Unique clicks",
                "y": names,
                "x": [r["unique"] for r in rows],
                "marker": {"color": COLORS["unique"]},
            },
        ],
        "layout": _layout(
            barmode="group",
            height=max(180, 60 + 40 * len(rows)),
            margin={"l": 200, "r": 16, "t": 8, "b": 48},
            yaxis={"autorange": "reversed", "automargin": True},
        ),
    }


def conversions(report: Report) -> Figure:
    rows = report["conversions"]
    names = [r["event"] or "(unnamed)" for r in rows]
    return {
        "data": [
            {
                "type": "bar",
                "name": "Conversions",
                "x": names,
                "y": [r["count"] for r in rows],
                "offsetgroup": "count",  # side by side although on two axes
                "marker": {"color": COLORS["converted"]},
            },
            {
                "type": "bar",
                "name": f"Value ({report['currency']})",
                "x": names,
                "y": [_number(r["value"]) for r in rows],
                "yaxis": "y2",
                "offsetgroup": "value",
                "marker": {"color": COLORS["sent"]},
            },
        ],
        "layout": _layout(
            barmode="group",
            yaxis={"title": {"text": "Conversions"}, "rangemode": "tozero"},
            yaxis2={
                "title": {"text": report["currency"]},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
            },
            margin={"l": 56, "r": 56, "t": 16, "b": 48},
        ),
    }


def variants(report: Report) -> Figure:
    rows = report["byVariant"]
    names = [f"{r['variant']} · {r['name']}" if r["variant"] else r["name"] for r in rows]
    rates = (
        ("deliveryRate", "Delivered / sent"),
        ("readRate", "Read / delivered"),
        ("clickRate", "Clicked / delivered"),
        ("conversionRate", "Converted / delivered"),
    )
    colors = (COLORS["delivered"], COLORS["read"], COLORS["clicked"], COLORS["converted"])
    return {
        "data": [
            {
                "type": "bar",
                "name": label,
                "x": names,
                "y": [r[key] for r in rows],
                "marker": {"color": color},
                "hovertemplate": "%{x}: %{y:.1f}%<extra>" + label + "</extra>",
            }
            for (key, label), color in zip(rates, colors, strict=True)
        ],
        "layout": _layout(barmode="group", yaxis={"ticksuffix": "%", "rangemode": "tozero"}),
    }


def figures(report: Report, *, topojson_url: str) -> dict[str, Figure]:
    """Every chart of the page, by the id its ``json_script`` element carries."""
    out: dict[str, Figure] = {
        "funnel": funnel(report),
        "hourly": hourly(report),
        "daily": daily(report),
        "heatmap_read": heatmap(report, "read"),
        "heatmap_clicked": heatmap(report, "clicked"),
        "countries": countries(report, topojson_url),
        "conversions": conversions(report),
        "variants": variants(report),
    }
    for name, color in (("device", "#1d5fbf"), ("os", "#4f57c5"), ("browser", "#0b7a5a")):
        out[name] = device(report["byDevice"].get(name, []), color)
    out["links"] = links(link_rows(report))
    return out
