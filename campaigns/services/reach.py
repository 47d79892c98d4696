"""Keeping audience sizes true: a campaign's ``estimated_reach`` and its segments' counts.

Two moments change them. An edit of the audience (create or update through the crud
service, from the API, the wizard or the admin) recounts that campaign at once. Contacts
changing underneath (imports, unsubscribes, new tags) move every count a little; the
``campaigns-reach-refresh`` Schedule runs ``counts_refresh_due`` every minute, which recounts
the stalest counts first, at most ``CAMPAIGNS_REACH_REFRESH_LIMIT`` campaigns and as many
segments per run, so a big install spreads the work over runs instead of stalling a worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Account
from audience.services.segments import campaign_refresh_reach, segments_recount_due
from campaigns.models import Campaign
from campaigns.selectors import campaigns_using_segment

if TYPE_CHECKING:
    from audience.models import Segment

# The changes after which the audience, hence the reach, may differ: the crud service's keys
# and the admin form's field names (segments, exclude_segments).
AUDIENCE_FIELDS = frozenset(
    {
        "audience_type",
        "segment_ids",
        "segments",
        "custom_filters",
        "exclude_unsubscribed",
        "exclude_suppressed",
        "exclude_segment_ids",
        "exclude_segments",
        "frequency_cap_hours",
        # E-mail audiences leave out opted-out and bounced addresses.
        "sender",
    }
)
# Campaigns whose audience is still to be reached; a finished one keeps the figure it had.
OPEN_STATES = (
    Campaign.Status.DRAFT,
    Campaign.Status.SCHEDULED,
    Campaign.Status.RUNNING,
    Campaign.Status.PAUSED,
)


def reach_after_edit(
    *, campaign: Campaign, changed: Collection[str], creating: bool = False
) -> None:
    """Recount the campaign when an edit touched its audience (or created it)."""
    if creating or AUDIENCE_FIELDS.intersection(changed):
        campaign_refresh_reach(campaign=campaign)


# A segment's new filters recount only the campaigns still being set up or waiting to start;
# a running one keeps the audience it was materialised from.
SEGMENT_EDIT_STATES = (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED, Campaign.Status.PAUSED)


def reach_after_segment_change(*, segment: Segment) -> None:
    """Recount the reach of the waiting campaigns that include or exclude ``segment``."""
    campaigns = campaigns_using_segment(segment=segment).filter(status__in=SEGMENT_EDIT_STATES)
    for campaign in campaigns:
        campaign_refresh_reach(campaign=campaign)


def counts_refresh_due(
    *, now: dt.datetime | None = None, limit: int | None = None
) -> dict[str, int]:
    """Recount the stalest segment counts and open campaigns' reach (bounded per run)."""
    now = now or timezone.now()
    limit = settings.CAMPAIGNS_REACH_REFRESH_LIMIT if limit is None else limit
    older_than = now - dt.timedelta(seconds=settings.CAMPAIGNS_REACH_MAX_AGE_SECONDS)
    segments = segments_recount_due(older_than=older_than, limit=limit)
    due = (
        Campaign.objects.alive()
        .filter(status__in=OPEN_STATES)
        .filter(Q(estimated_reach_at__isnull=True) | Q(estimated_reach_at__lt=older_than))
        .select_related("account")
        .order_by(F("estimated_reach_at").asc(nulls_first=True), "pk")[:limit]
    )
    campaigns = 0
    for campaign in due:
        campaign_refresh_reach(campaign=campaign)
        campaigns += 1
    return {"segments": segments, "campaigns": campaigns}


def account_counts_refresh(*, account: Account) -> dict[str, int]:
    """Count every segment and every campaign of one account now (the demo seed calls this
    after writing its rows, so nothing shows "never counted" or a reach of 0)."""
    from audience.models import Segment

    segments = Segment.objects.for_account(account).count()
    segments_recount_due(older_than=timezone.now(), limit=segments, account=account)
    campaigns = 0
    for campaign in Campaign.objects.for_account(account).alive().select_related("account"):
        campaign_refresh_reach(campaign=campaign)
        campaigns += 1
    return {"segments": segments, "campaigns": campaigns}
