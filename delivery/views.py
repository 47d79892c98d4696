"""Delivery pages: the queue of one campaign, of the whole account, and the live stats partial.

Each page renders its panel once and htmx re-fetches just the panel every two seconds while
anything is still moving; the partials are the same templates the pages include.
"""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.decorators import member_required
from accounts.request import AccountRequest
from campaigns.models import Campaign
from campaigns.views.access import with_campaign
from campaigns.views.pages import header_state, live_context
from delivery import selectors
from delivery.models import Recipient

POLL_SECONDS = 2
RECIPIENTS_PAGE_SIZE = 50


def _moving(numbers: selectors.QueueNumbers) -> bool:
    return bool(numbers["remaining"])


@member_required
@with_campaign
def campaign_queue(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    queue = selectors.campaign_queue(campaign=campaign)
    context = {
        "nav": "campaigns",
        "campaign": campaign,
        "queue": queue,
        "poll": _moving(queue) or campaign.status == campaign.Status.RUNNING,
        "poll_seconds": POLL_SECONDS,
    }
    template = "campaigns/delivery/queue.html"
    if request.htmx:
        template = "campaigns/delivery/_queue_panel.html"
    return render(request, template, context)


@member_required
def account_queue(request: AccountRequest) -> HttpResponse:
    queue = selectors.account_queue(account=request.account)
    context = {
        "nav": "campaigns",
        "queue": queue,
        "poll": _moving(queue),
        "poll_seconds": POLL_SECONDS,
    }
    template = "campaigns/delivery/account_queue.html"
    if request.htmx:
        template = "campaigns/delivery/_account_panel.html"
    return render(request, template, context)


@member_required
@with_campaign
def live_stats(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    """The stats block of the details page, polled until the figures settle; with the page
    header (out of band) when its status moved since the page drew it."""
    context = live_context(request, campaign)
    context["oob_header"] = request.GET.get("shown") != header_state(campaign)
    return render(request, "campaigns/delivery/_live_stats.html", context)


@member_required
@with_campaign
def campaign_recipients(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    """Who the campaign reached and how, one row per recipient, with the provider's error
    code, title and explanation where a message failed."""
    status = request.GET.get("status", "")
    if status not in Recipient.Status.values:
        status = ""
    rows = selectors.recipients_list(campaign=campaign, status=status)
    page = Paginator(rows, RECIPIENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "campaigns",
        "campaign": campaign,
        "page": page,
        "status": status,
        "statuses": Recipient.Status.choices,
    }
    return render(request, "campaigns/delivery/recipients.html", context)
