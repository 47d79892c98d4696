"""E-mail reachability of contacts: the unsubscribe link's opt-out and hard bounces.

Both are columns on the contact, so excluding them from an e-mail campaign's audience is a
predicate of the audience query (``audience.selectors``), never a lookup per contact.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audience.models import Contact
from audience.unsubscribe import UnsubscribeClaim
from core.events import EventType, NewEvent, events_record

BOUNCE_REASON_MAX = Contact._meta.get_field("email_bounce_reason").max_length


@transaction.atomic
def contact_email_unsubscribe(
    *, claim: UnsubscribeClaim, source: str, at: datetime | None = None
) -> Contact | None:
    """Opt the claimed contact out of e-mail; one ``unsubscribed`` Event the first time.

    Answers the contact (already opted out or not), or None when it no longer exists. Other
    channels and the contact's general subscription are left as they are.
    """
    contact = (
        Contact.objects.select_for_update()
        .filter(account_id=claim.account_id, pk=claim.contact_id)
        .first()
    )
    if contact is None or contact.email_opted_out_at is not None:
        return contact
    at = at or timezone.now()
    contact.email_opted_out_at = at
    contact.save(update_fields=["email_opted_out_at", "updated_at"])
    data: dict[str, Any] = {"source": source, "channel": "email", "email": contact.email}
    if claim.recipient_id:
        data["recipientId"] = claim.recipient_id
    events_record(
        [
            NewEvent(
                account_id=contact.account_id,
                contact_id=contact.pk,
                type=EventType.UNSUBSCRIBED,
                occurred_at=at,
                data=data,
            )
        ]
    )
    return contact


def contacts_email_bounced_mark(
    *, bounces: list[tuple[int, str]], at: datetime | None = None
) -> int:
    """Mark ``(contact id, reason)`` pairs as hard-bounced; answers how many changed.

    One UPDATE per distinct reason (a batch's bounces mostly share one). A contact already
    marked keeps its first reason and time.
    """
    at = at or timezone.now()
    by_reason: dict[str, set[int]] = defaultdict(set)
    for contact_id, reason in bounces:
        by_reason[(reason or "")[:BOUNCE_REASON_MAX]].add(contact_id)
    changed = 0
    for reason, ids in by_reason.items():
        changed += Contact.objects.filter(pk__in=ids, email_bounced_at__isnull=True).update(
            email_bounced_at=at, email_bounce_reason=reason, updated_at=timezone.now()
        )
    return changed


def contact_email_bounce_clear(*, contact: Contact) -> Contact:
    """Forget the bounce (the address was fixed on the mail server's side, or was a mistake):
    the next e-mail campaign tries the address again."""
    if contact.email_bounced_at is None:
        return contact
    contact.email_bounced_at, contact.email_bounce_reason = None, ""
    contact.save(update_fields=["email_bounced_at", "email_bounce_reason", "updated_at"])
    return contact
