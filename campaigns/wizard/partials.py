"""Small htmx endpoints behind the wizard: live reach while the audience step is edited."""

import json

from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from audience.selectors import audience_estimate
from core.errors import ValidationFailed


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@require_POST
@member_required
def wizard_reach_view(request):
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
    context = {"reach": None, "error": ""}
    if tree is None:
        context["error"] = "The filter could not be read."
    else:
        try:
            context["reach"] = audience_estimate(account=request.account, audience=audience)
        except ValidationFailed as exc:
            context["error"] = exc.message
    return render(request, "campaigns/wizard/_reach.html", context)
