"""The campaign's error log (the spec's ``errorLog``): one row per error type, counted.

Both the sending workers and provider status webhooks add to it, often for the same campaign
and error type at the same moment, so the count is only ever bumped in the database
(``count + n``), never read and written back, and the first writer's insert is guarded by
the (campaign, error type) unique constraint instead of a lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import F

from delivery.models import CampaignError

TYPE_MAX = 64  # CampaignError.error_type
MESSAGE_MAX = 500  # CampaignError.message


def errors_record(
    *, campaign_id: int, errors: Mapping[str, tuple[int, str]], at: dt.datetime
) -> None:
    """Add ``errors`` (error type → (how many, latest message)) to the campaign's log.

    Each type's row gains the count and keeps the latest message and time. Types are written
    in sorted order so that two writers holding row locks on the same log cannot deadlock.
    Call it inside the caller's transaction: the counts commit with the results they count.
    """
    for error_type in sorted(errors):
        count, message = errors[error_type]
        _error_add(campaign_id, error_type[:TYPE_MAX], count, message[:MESSAGE_MAX], at)


def _error_add(
    campaign_id: int, error_type: str, count: int, message: str, at: dt.datetime
) -> None:
    """Bump the row, or create it; a concurrent creator wins and we bump its row instead.

    The insert runs in a savepoint so that losing the race (``IntegrityError``, raised once
    the other writer commits) leaves the caller's transaction usable for the second UPDATE,
    which then sees the committed row.
    """
    row = CampaignError.objects.filter(campaign_id=campaign_id, error_type=error_type)
    bump = {"count": F("count") + count, "message": message, "timestamp": at}
    if row.update(**bump):
        return
    try:
        with transaction.atomic():
            CampaignError.objects.create(
                campaign_id=campaign_id,
                error_type=error_type,
                count=count,
                message=message,
                timestamp=at,
            )
    except IntegrityError:  # another writer created it first
        row.update(**bump)
