"""The campaigns list and the details page."""

import zlib

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render

from accounts.decorators import member_required
from accounts.request import AccountRequest
from campaigns.forms import CampaignFilterForm
from campaigns.models import Campaign, CampaignActivity
from campaigns.selectors import campaign_list, campaign_status_counts
from campaigns.tracking import link_tracking_in_words
from delivery import pacing
from delivery.live import campaign_settled

from .access import with_campaign
from .actions import actions_for

PAGE_SIZE = 25
HISTORY_LIMIT = 50
POLL_SECONDS = 2
# A scheduled campaign only changes when its start comes; no need to ask every 2 s.
POLL_SECONDS_SCHEDULED = 15


@member_required
def campaign_list_view(request: AccountRequest) -> HttpResponse:
    form = CampaignFilterForm(request.GET)
    filters = form.filters()
    campaigns = campaign_list(account=request.account, **filters)
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(c, actions_for(c, request.membership)) for c in page.object_list]
    counts = campaign_status_counts(account=request.account)
    return render(
        request,
        "campaigns/list.html",
        {
            "nav": "campaigns",
            "form": form,
            "filters": filters,
            "page": page,
            "rows": rows,
            "counts": counts,
            "total_alive": sum(counts[s] for s in Campaign.Status.values),
            "statuses": Campaign.Status.choices,
        },
    )


@member_required
@with_campaign
def campaign_detail_view(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    campaign = (
        Campaign.objects.filter(pk=campaign.pk)
        .select_related("sender", "template", "created_by")
        .prefetch_related(
            "segments",
            "exclude_segments",
            "variants",
            "triggers",
            "workflow",
            "error_log",
            Prefetch(
                "activity",
                queryset=CampaignActivity.objects.select_related("actor")[:HISTORY_LIMIT],
                to_attr="history",
            ),
        )
        .get()
    )
    context = live_context(request, campaign)
    context.update(
        nav="campaigns",
        history_limit=HISTORY_LIMIT,
        link_tracking=link_tracking_in_words(campaign),
    )
    return render(request, "campaigns/detail.html", context)


def header_state(campaign: Campaign) -> str:
    """What the header shows, in a few characters: the live poll sends it back, and the
    header is re-sent only when this changed (re-sending it every poll would steal focus
    from its buttons)."""
    reason = zlib.crc32(campaign.status_reason.encode())
    return f"{campaign.status}.{int(campaign.is_deleted)}.{reason:x}"


def live_context(request: AccountRequest, campaign: Campaign) -> dict[str, object]:
    """The context of the header and the live stats block, on the page and in each poll."""
    live = not campaign_settled(campaign=campaign)
    scheduled = campaign.status == Campaign.Status.SCHEDULED
    return {
        "campaign": campaign,
        "actions": actions_for(campaign, request.membership),
        "can_edit": bool(request.membership and request.membership.can("edit"))
        and campaign.status == Campaign.Status.DRAFT,
        "live": live,
        "poll_seconds": POLL_SECONDS_SCHEDULED if scheduled else POLL_SECONDS,
        "header_state": header_state(campaign),
        "pacing": pacing.campaign_waiting(campaign),
    }
