"""Engagement rules' reading of the event log (``audience.ports.engagement_condition``):
audience's filter compiler asks, as it sits below analytics and may not import ``Event``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from analytics.models import Event

if TYPE_CHECKING:
    from accounts.models import Account


def contacts_engaged(
    *,
    account: Account,
    event_types: Sequence[str],
    campaign_id: int | None = None,
    since: datetime | None = None,
) -> Q:
    """Contacts with an event of ``event_types`` (of ``campaign_id``, at or after ``since``,
    when given), as an ``EXISTS`` on Contact so the audience stays one query."""
    events = Event.objects.filter(account=account, contact_id=OuterRef("pk"), type__in=event_types)
    if campaign_id is not None:
        events = events.filter(campaign_id=campaign_id)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    return Q(Exists(events))
