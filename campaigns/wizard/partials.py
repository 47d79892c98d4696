"""Small htmx endpoints behind the wizard: live reach while the audience step is edited, and
the local send times while the scheduling step is."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.request import AccountRequest
from audience.selectors import audience_estimate
from campaigns.selectors import campaign_get
from campaigns.wizard.context import zone_preview
from campaigns.wizard.forms import SchedulingForm
from core.errors import NotFound, ValidationFailed


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@require_POST
@member_required
def wizard_reach_view(request: AccountRequest) -> HttpResponse:
    """The reach of the audience as currently entered (not yet saved), as a fragment."""
    post = request.POST
    try:
        tree = json.loads(post.get("audience-custom_filters") or "{}")
    except ValueError:
        tree = None
    audience = {
        "type": post.get("audience-audience_type") or "all",
        "segmentIds": _ids(post.getlist("audience-segments")),
        "customFilters": tree,
        "excludeUnsubscribed": bool(post.get("audience-exclude_unsubscribed")),
        "excludeSuppressed": bool(post.get("audience-exclude_suppressed")),
        "excludeSegmentIds": _ids(post.getlist("audience-exclude_segments")),
    }
    cap = post.get("audience-frequency_cap_hours", "")
    if cap.isdigit() and int(cap) > 0:
        audience["frequencyCapHours"] = int(cap)
    context: dict[str, object] = {"reach": None, "error": ""}
    if tree is None:
        context["error"] = "The filter could not be read."
    else:
        try:
            context["reach"] = audience_estimate(account=request.account, audience=audience)
        except ValidationFailed as exc:
            context["error"] = exc.message
    return render(request, "campaigns/wizard/_reach.html", context)


@require_POST
@member_required
def wizard_zones_view(request: AccountRequest, campaign_id: int) -> HttpResponse:
    """The send time in the audience's main time zones for the schedule as typed (not yet
    saved), as a fragment; a schedule that cannot be read says what to fix instead."""
    try:
        draft = campaign_get(account=request.account, campaign_id=campaign_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    form = SchedulingForm(
        request.POST, prefix="scheduling", account=request.account, campaign=draft
    )
    context: dict[str, object] = {"zones": [], "problems": []}
    if form.is_valid():
        context["zones"] = zone_preview(draft, schedule=form.to_data())
    else:
        context["problems"] = [e for errors in form.errors.values() for e in errors]
    return render(request, "campaigns/wizard/_zones.html", context)
