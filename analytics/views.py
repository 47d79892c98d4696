"""The analytics pages: a campaign's report with its charts and tables, and the account's
campaigns compared over a period. Both read the rollups only (``analytics.report``,
``analytics.dashboard``), so they stay instant on a campaign of a million recipients."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static

from accounts.decorators import member_required
from accounts.request import AccountRequest
from analytics import charts, dashboard
from analytics.forms import PeriodForm, ReportFilterForm
from analytics.report import Report
from analytics.report_cache import report_kept
from campaigns.models import Campaign
from campaigns.views.access import with_campaign


def report_context(report: Report) -> dict[str, Any]:
    """What the page draws from a report: its figures, the heatmaps' and devices' rows, the
    links and the money; apart from the view so it can be shown any report."""
    topojson_url = static("vendor/topojson/world_110m.json").rsplit("/", 1)[0] + "/"
    figures = charts.figures(report, topojson_url=topojson_url)
    grid = report["heatmap"]
    heatmaps = [
        {
            "id": f"chart-heatmap-{kind}",
            "label": label,
            "figure": figures[f"heatmap_{kind}"],
            "rows": list(zip(grid["days"], grid[kind], strict=True)),
            "total": sum(map(sum, grid[kind])),
        }
        for kind, label in (("read", "Reads"), ("clicked", "Clicks"))
    ]
    devices = [
        {
            "id": f"chart-{name}",
            "name": name,
            "label": label,
            "rows": report["byDevice"].get(name, []),
            "figure": figures[name],
        }
        for name, label in (
            ("device", "Device type"),
            ("os", "Operating system"),
            ("browser", "Browser"),
        )
    ]
    roi = report["roi"]
    return {
        "report": report,
        "figures": figures,
        "heatmaps": heatmaps,
        "devices": devices,
        "roi_percent": float(roi) * 100 if roi is not None else None,
        "links": charts.link_rows(report),
        "has_variants": any(row["variant"] for row in report["byVariant"]),
    }


@member_required
@with_campaign
def campaign_analytics(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    form = ReportFilterForm(request.GET or None, campaign=campaign)
    filters = form.filters()
    report = report_kept(campaign, filters)
    context = {
        "nav": "campaigns",
        "campaign": campaign,
        "form": form,
        "filters": filters,
        **report_context(report),
    }
    return render(request, "analytics/campaign.html", context)


COLUMNS = (
    ("name", "Campaign", False),
    ("sent", "Sent", True),
    ("delivered", "Delivered", True),
    ("read", "Read", True),
    ("ctr", "CTR", True),
    ("converted", "Converted", True),
    ("conversion_rate", "Conversion rate", True),
    ("revenue", "Revenue", True),
    ("cost", "Cost", True),
    ("roi", "ROI", True),
)


def _next_sort(key: str, *, num: bool, column: str, descending: bool) -> str:
    """A header's link: the sorted column flips; another sorts numbers high to low first and
    names A to Z."""
    if key == column:
        return key if descending else f"-{key}"
    return f"-{key}" if num else key


@member_required
def account_dashboard(request: AccountRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    since = until = None
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data.get("since"), form.cleaned_data.get("until")
    sort = request.GET.get("sort", dashboard.DEFAULT_SORT)
    column, descending = dashboard.sort_key(sort)
    rows = dashboard.campaigns_compare(account=request.account, since=since, until=until, sort=sort)
    period = request.GET.copy()
    period.pop("sort", None)
    headers = [
        {
            "key": key,
            "label": label,
            "num": num,
            "next": _next_sort(key, num=num, column=column, descending=descending),
            "sorted": ("descending" if descending else "ascending") if column == key else "",
        }
        for key, label, num in COLUMNS
    ]
    context = {
        "nav": "analytics",
        "form": form,
        "rows": rows,
        "headers": headers,
        "period_query": period.urlencode(),
        "currency": request.account.currency,
    }
    return render(request, "analytics/dashboard.html", context)
