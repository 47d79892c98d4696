"""The exports box of the analytics page, starting an export, its download, and the
printable report.

Any member may export and download: exports show what the campaign's pages already show
every role, a viewer included (as the contacts export does). Another account's campaign or
export is a 404; an export downloads only once its file is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import member_required
from accounts.request import AccountRequest
from analytics.exports import services
from analytics.exports.filters import filters_describe, filters_load, filters_parse, filters_query
from analytics.models import Export
from analytics.report import Filters, campaign_report
from campaigns.models import Campaign
from campaigns.views.access import with_campaign
from core.errors import NotFound, ValidationFailed

POLL_SECONDS = 2
DEVICE_TITLES = {"device": "Device type", "os": "Operating system", "browser": "Browser"}
UNITS: dict[str, str] = {
    Export.Kind.RECIPIENTS_CSV: "recipients",
    Export.Kind.EVENTS_CSV: "events",
    Export.Kind.REPORT_XLSX: "sheets",
}


def _safe_next(request: AccountRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _filters_or_all(data: Mapping[str, Any], campaign: Campaign) -> Filters:
    """The page's filters for the box's buttons; a malformed query exports everything (the
    page itself says what is wrong with its filters)."""
    try:
        return filters_parse(data, campaign=campaign)
    except ValidationFailed:
        return Filters()


def box_context(
    request: AccountRequest,
    campaign: Campaign,
    *,
    next_url: str,
    filters_from: Mapping[str, Any] | None = None,
    error: str = "",
) -> dict[str, Any]:
    """What ``analytics/exports/_box.html`` needs: the recent exports with their progress,
    the page's filters (``filters_from``, default the query string) as hidden fields, and
    where a plain form post returns."""
    filters = _filters_or_all(request.GET if filters_from is None else filters_from, campaign)
    query = filters_query(filters)
    recent = list(services.exports_recent(account=request.account, campaign=campaign))
    stalled = {e.pk for e in recent if services.export_stalled(e)}
    exports = [
        {
            "export": export,
            "stalled": export.pk in stalled,
            "progress": services.export_progress(export),
            "unit": UNITS.get(export.kind, "rows"),
            "filters": filters_describe(filters_load(export.filters)),
        }
        for export in recent
    ]
    box_url = reverse("campaigns:analytics_exports", args=[campaign.pk])
    return {
        "campaign": campaign,
        "exports": exports,
        "kinds": Export.Kind.choices,
        "filters": query,
        "filters_text": filters_describe(filters),
        "next_url": next_url,
        "box_url": f"{box_url}?{urlencode({**query, 'next': next_url})}",
        "print_url": reverse("campaigns:analytics_print", args=[campaign.pk])
        + (f"?{urlencode(query)}" if query else ""),
        "poll": any(
            e.status in (Export.Status.QUEUED, Export.Status.RUNNING) and e.pk not in stalled
            for e in recent
        ),
        "poll_seconds": POLL_SECONDS,
        "keep_days": settings.EXPORTS_KEEP_DAYS,
        "error": error,
    }


@require_GET
@member_required
@with_campaign
def exports_box(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    """The box alone: what its htmx polling fetches while an export runs."""
    next_url = _safe_next(request, request.GET.get("next", ""))
    context = box_context(request, campaign, next_url=next_url)
    return render(request, "analytics/exports/_box.html", context)


@require_POST
@member_required
@with_campaign
def export_start(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next", ""))
    try:
        filters = filters_parse(request.POST, campaign=campaign)
        services.export_start(
            campaign=campaign,
            kind=request.POST.get("kind", ""),
            filters=filters,
            created_by=request.user if request.user.is_authenticated else None,
        )
    except ValidationFailed as exc:
        problems = exc.extra.get("problems") or [{"field": "", "message": exc.message}]
        context = {"title": "This export cannot start", "problems": problems}
        return render(request, "core/refused.html", context, status=422)
    if request.htmx:
        return render(
            request,
            "analytics/exports/_box.html",
            box_context(request, campaign, next_url=next_url, filters_from=request.POST),
        )
    messages.success(request, "The export started: it appears under Exports as it is written.")
    return redirect(next_url or reverse("campaigns:detail", args=[campaign.pk]))


@require_GET
@member_required
@with_campaign
def export_download(
    request: AccountRequest, campaign: Campaign, export_id: int
) -> HttpResponseBase:
    try:
        export = services.export_get(
            account=request.account, export_id=export_id, campaign=campaign
        )
    except NotFound as exc:
        raise Http404(exc.message) from None
    if export.status != Export.Status.DONE or not export.file:
        raise Http404("This export has no file yet.")
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=services.export_filename(export),
        content_type=services.export_content_type(export),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@member_required
@with_campaign
def report_print(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    """The report's tables on one page for the printer (no charts): small enough to build
    in the request, from the same read as the page, the API and the XLSX."""
    try:
        filters = filters_parse(request.GET, campaign=campaign)
    except ValidationFailed as exc:
        problems = exc.extra.get("problems") or [{"field": "", "message": exc.message}]
        context = {"title": "These filters cannot be read", "problems": problems}
        return render(request, "core/refused.html", context, status=422)
    report = campaign_report(campaign=campaign, filters=filters)
    heatmap = report["heatmap"]
    context = {
        "nav": "campaigns",
        "campaign": campaign,
        "account": request.account,
        "report": report,
        "filters_text": filters_describe(filters),
        "generated_at": timezone.now(),
        "heatmaps": [
            (title, list(zip(heatmap["days"], heatmap[kind], strict=True)))
            for kind, title in (("read", "Reads"), ("clicked", "Clicks"))
        ],
        "hours": heatmap["hours"],
        "devices": [
            (name, DEVICE_TITLES.get(name, name.capitalize()), rows)
            for name, rows in report["byDevice"].items()
        ],
        "link_columns": list(dict.fromkeys(k for row in report["links"] for k in row)),
    }
    return render(request, "analytics/print.html", context)
