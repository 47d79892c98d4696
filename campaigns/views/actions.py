"""Per-campaign buttons (publish, pause, delete, ...): which apply, and the POST that runs one.

One table says, for each action, the role permission it needs, the statuses it applies to and
the lifecycle service it calls; the list page, the details page and the view all read it, so a
button is shown exactly when pressing it can work.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.decorators import forbidden, member_required
from accounts.models import Membership
from accounts.request import AccountRequest
from campaigns import lifecycle
from campaigns.lifecycle import Action as Move
from campaigns.models import Campaign
from campaigns.services import transitions
from core.errors import ApplicationError
from delivery import control

from .access import with_campaign

Status = Campaign.Status


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    permission: str
    applies: Callable[[Campaign], bool]
    run: Callable
    done: str
    style: str = ""
    confirm: str = ""


def _alive(status_test):
    return lambda c: not c.is_deleted and status_test(c)


def _table(action: Move):
    """Shown exactly when the lifecycle table allows the move."""
    return lambda c: lifecycle.allows(c, action)


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "publish",
            "Publish",
            "send",
            _alive(lambda c: c.status == Status.DRAFT),
            control.campaign_publish,
            "published",
            style="btn-primary",
            confirm="Publish this campaign? Sending starts now or at its start date.",
        ),
        Action(
            "send",
            "Send now",
            "send",
            _table(Move.BEGIN),
            control.campaign_send_now,
            "is sending",
            style="btn-primary",
            confirm="Send this campaign now, instead of at its start time?",
        ),
        Action(
            "pause",
            "Pause",
            "send",
            _table(Move.PAUSE),
            control.campaign_pause,
            "paused",
        ),
        Action(
            "resume",
            "Resume",
            "send",
            _table(Move.RESUME),
            control.campaign_resume,
            "resumed",
            style="btn-primary",
        ),
        Action(
            "unschedule",
            "Back to draft",
            "edit",
            _table(Move.UNSCHEDULE),
            control.campaign_unschedule,
            "moved back to draft",
        ),
        Action(
            "cancel",
            "Cancel sending",
            "send",
            _table(Move.CANCEL),
            control.campaign_cancel,
            "cancelled",
            style="btn-danger",
            confirm="Stop this campaign for good? Recipients not sent yet are skipped.",
        ),
        Action(
            "duplicate",
            "Duplicate",
            "edit",
            lambda c: not c.is_deleted,
            transitions.campaign_duplicate,
            "duplicated",
        ),
        Action(
            "delete",
            "Delete",
            "edit",
            _alive(lambda c: c.status in lifecycle.DELETABLE),
            transitions.campaign_delete,
            "deleted (you can restore it from the Deleted view)",
            style="btn-danger",
            confirm="Delete this campaign? You can restore it later from the Deleted view.",
        ),
        Action(
            "restore",
            "Restore",
            "edit",
            lambda c: c.is_deleted,
            transitions.campaign_restore,
            "restored",
            style="btn-primary",
        ),
    )
}


def actions_for(campaign: Campaign, membership: Membership | None) -> list[Action]:
    """The actions this member may take on this campaign in its current state."""
    if membership is None:
        return []
    return [a for a in ACTIONS.values() if membership.can(a.permission) and a.applies(campaign)]


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
@member_required
@with_campaign(include_deleted=True)
def campaign_action(request: AccountRequest, campaign: Campaign, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("No such action.")
    if not (request.membership and request.membership.can(spec.permission)):
        return forbidden(request, "Your role can view campaigns but not change them.")
    detail_url = reverse("campaigns:detail", args=[campaign.pk])
    fallback = reverse("campaigns:list") if action == "delete" else detail_url
    if campaign.is_deleted and action != "restore":
        # Deleted campaigns are reachable only to be restored; anything else is not found.
        raise Http404("Campaign not found.")
    try:
        result = spec.run(campaign=campaign, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_next_url(request, detail_url if not campaign.is_deleted else fallback))
    if action == "duplicate":
        messages.success(request, f"“{campaign.name}” duplicated as “{result.name}”, a draft.")
        return redirect("campaigns:detail", result.pk)
    messages.success(request, f"“{campaign.name}” {spec.done}.")
    return redirect(_next_url(request, fallback))
