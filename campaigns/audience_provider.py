"""Campaigns' answers to audience (``audience.ports``): campaign names for engagement rules,
the filter builder and segment deletion, and the reach recount when a segment changes.

The module itself is the ``CampaignDirectory`` provider; ``CampaignsConfig.ready()``
registers it and connects the receiver.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from campaigns.models import Campaign
from campaigns.selectors import campaigns_using_segment
from campaigns.services.reach import reach_after_segment_change

if TYPE_CHECKING:
    from accounts.models import Account
    from audience.models import Segment


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
    return sorted(set(campaigns_using_segment(segment=segment).values_list("name", flat=True)))


def reach_refresh_on_segment_change(sender: Any, *, segment: Segment, **kwargs: Any) -> None:
    reach_after_segment_change(segment=segment)
