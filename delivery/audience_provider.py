"""What audience reads of the messages sent (``audience.ports.messaged_since``): the
frequency cap, answered from ``Recipient``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from delivery.models import Recipient

if TYPE_CHECKING:
    from accounts.models import Account


def contacts_messaged_since(
    *, account: Account, since: datetime, exclude_campaign_id: int | None = None
) -> Q:
    """Contacts the account sent a message at or after ``since``, other than
    ``exclude_campaign_id``'s messages, as a condition on Contact."""
    recent = Recipient.objects.filter(
        account=account, contact_id=OuterRef("pk"), sent_at__gte=since
    )
    if exclude_campaign_id is not None:
        recent = recent.exclude(campaign_id=exclude_campaign_id)
    return Q(Exists(recent))
