"""What audience reads of the messages sent (``audience.ports.messaged_since``): the
frequency cap, answered from ``Recipient``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from delivery.models import Recipient

if TYPE_CHECKING:
    from accounts.models import Account


def contacts_messaged_since(*, account: Account, since: datetime) -> Q:
    """Contacts the account sent a message at or after ``since``, as a condition on Contact."""
    recent = Recipient.objects.filter(
        account=account, contact_id=OuterRef("pk"), sent_at__gte=since
    )
    return Q(Exists(recent))
