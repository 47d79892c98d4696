"""The campaigns list and the details page."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render

from accounts.decorators import member_required
from campaigns.forms import CampaignFilterForm
from campaigns.models import Campaign, CampaignActivity
from campaigns.selectors import campaign_list, campaign_status_counts

from .access import with_campaign
from .actions import actions_for

PAGE_SIZE = 25
HISTORY_LIMIT = 50


@member_required
def campaign_list_view(request):
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
def campaign_detail_view(request, campaign: Campaign):
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
    return render(
        request,
        "campaigns/detail.html",
        {
            "nav": "campaigns",
            "campaign": campaign,
            "actions": actions_for(campaign, request.membership),
            "can_edit": request.membership.can("edit") and campaign.status == Campaign.Status.DRAFT,
            "history_limit": HISTORY_LIMIT,
        },
    )
