"""When a campaign's figures can still move, so its page keeps refreshing them.

Sending ends before the figures do: delivery and read receipts arrive seconds to minutes after
the last message left, after the campaign has already moved to ``completed``. A page that
stopped refreshing at completion showed "Running, 0 delivered" for good.

A campaign is **settled** when all of these hold:

- it is not ``scheduled`` or ``running`` (those will send);
- no recipient is in flight (``sending``: a worker holds it and will write its result);
- no recipient is still ``sent`` (awaiting its receipt) having been sent less than
  ``CAMPAIGNS_RECEIPTS_SETTLE_SECONDS`` ago;
- no send, delivery, read or failure was recorded for it in that window either (read receipts
  follow deliveries; each new receipt keeps the page live a while longer).

So after the last message and the last receipt, the page keeps refreshing for that window
(10 minutes by default), then stops; a receipt that straggles in later shows on a reload.
Each check is one indexed ``EXISTS``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from analytics.models import Event
from campaigns.models import Campaign
from delivery.models import Recipient

SENDING_STATES = (Campaign.Status.SCHEDULED, Campaign.Status.RUNNING)
RECEIPT_EVENTS = (Event.Type.SENT, Event.Type.DELIVERED, Event.Type.READ, Event.Type.FAILED)


def settle_window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CAMPAIGNS_RECEIPTS_SETTLE_SECONDS)


def campaign_settled(*, campaign: Campaign, now: dt.datetime | None = None) -> bool:
    if campaign.status in SENDING_STATES:
        return False
    since = (now or timezone.now()) - settle_window()
    recipients = Recipient.objects.filter(campaign=campaign)
    if recipients.filter(status=Recipient.Status.SENDING).exists():
        return False
    if recipients.filter(status=Recipient.Status.SENT, sent_at__gte=since).exists():
        return False
    recent = Event.objects.filter(
        campaign=campaign, type__in=RECEIPT_EVENTS, occurred_at__gte=since
    )
    return not recent.exists()
