"""Reads of campaigns that pages, the API and admin share; every one is account-scoped."""

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from accounts.models import Account
from campaigns.models import Campaign
from core.errors import NotFound

if TYPE_CHECKING:
    from audience.models import Segment

SORTS = {
    "created": "created_at",
    "-created": "-created_at",
    "name": "name",
    "-name": "-name",
    "start": "start_date",
    "-start": "-start_date",
    "status": "status",
    "-status": "-status",
    "sent": "total_sent",
    "-sent": "-total_sent",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def campaign_get(
    *, account: Account, campaign_id: int | str, include_deleted: bool = False
) -> Campaign:
    """The account's campaign, or ``NotFound`` (also for another account's id)."""
    qs = Campaign.objects.for_account(account).select_related("sender", "template")
    if not include_deleted:
        qs = qs.alive()
    try:
        campaign = qs.get(pk=int(campaign_id))
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise NotFound("Campaign not found.") from None
    campaign.account = account  # the row the query matched: no second read of it
    return campaign


def campaign_list(
    *,
    account: Account,
    q: str = "",
    status: str = "",
    type: str = "",
    sort: str = "-created",
    deleted: bool = False,
) -> QuerySet[Campaign]:
    qs = Campaign.objects.for_account(account).select_related("sender")
    qs = qs.deleted() if deleted else qs.alive()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    order = SORTS.get(sort, "-created_at")
    return qs.order_by(order, "-id")


def campaign_status_counts(*, account: Account) -> dict[str, int]:
    """Live campaigns per status (every status present, zeros included) plus ``deleted``."""
    counts = dict.fromkeys(Campaign.Status.values, 0)
    rows = (
        Campaign.objects.for_account(account)
        .alive()
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts.update(dict(rows))
    counts["deleted"] = Campaign.objects.for_account(account).deleted().count()
    return counts


def campaigns_using_segment(*, segment: "Segment") -> QuerySet[Campaign]:
    """The segment's account's live campaigns that include or exclude it."""
    using = Q(pk__in=segment.campaigns.values("pk")) | Q(
        pk__in=segment.excluded_from_campaigns.values("pk")
    )
    return Campaign.objects.for_account(segment.account).alive().filter(using)
