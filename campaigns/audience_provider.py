"""Campaigns' answers to audience (``audience.ports``): campaign names for engagement rules,
the filter builder and segment deletion, and the reach recount when a segment changes.

The module itself is the ``CampaignDirectory`` provider; ``CampaignsConfig.ready()``
registers it and connects the receiver.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from audience.services.segments import campaign_refresh_reach
from campaigns.models import Campaign

if TYPE_CHECKING:
    from accounts.models import Account
    from audience.models import Segment

# Only a campaign that can still be sent is worth a recount.
OPEN_STATES = (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED, Campaign.Status.PAUSED)


def campaign_exists(*, account: Account, campaign_id: int) -> bool:
    return Campaign.objects.for_account(account).filter(pk=campaign_id).exists()


def campaign_names(*, account: Account, campaign_ids: Collection[int]) -> dict[int, str]:
    return dict(
        Campaign.objects.for_account(account).filter(pk__in=campaign_ids).values_list("pk", "name")
    )


def campaign_choices(*, account: Account, limit: int) -> list[tuple[int, str]]:
    campaigns = Campaign.objects.for_account(account).alive().order_by("-created_at")
    return [(c.pk, c.name) for c in campaigns[:limit]]


def campaign_names_using(*, segment: Segment) -> list[str]:
    campaigns = Campaign.objects.for_account(segment.account)
    using = campaigns.filter(pk__in=segment.campaigns.values("pk")) | campaigns.filter(
        pk__in=segment.excluded_from_campaigns.values("pk")
    )
    return sorted({c.name for c in using.alive()})


def reach_refresh_on_segment_change(sender: Any, *, segment: Segment, **kwargs: Any) -> None:
    """Recounts the reach of the open campaigns that include or exclude ``segment``."""
    open_campaigns = (
        Campaign.objects.for_account(segment.account).alive().filter(status__in=OPEN_STATES)
    )
    campaigns = open_campaigns.filter(
        pk__in=segment.campaigns.values("pk")
    ) | open_campaigns.filter(pk__in=segment.excluded_from_campaigns.values("pk"))
    for campaign in campaigns.distinct():
        campaign_refresh_reach(campaign=campaign)
