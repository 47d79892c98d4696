"""Opt-out by reply: a contact who answers STOP on WhatsApp or SMS is unsubscribed.

messaging recognises the keyword and calls ``core.consent``; this module is what audience
registers there (``audience.apps``), since the contacts and their numbers are audience's.
"""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from audience.models import Contact
from audience.phones import wa_id_candidates
from core.consent import ReplyChannel
from core.events import EventType, NewEvent, events_record


def e164(phone: str) -> str:
    """Providers send ``16505551234`` (WhatsApp) or ``+16505551234`` (SMS); we store E.164."""
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    return f"+{digits}" if digits else ""


def contacts_unsubscribe_by_reply(
    *,
    account_id: int,
    channel: ReplyChannel,
    addresses: Sequence[str],
    at: dt.datetime | None = None,
) -> int:
    """The port's implementation: a WhatsApp sender is a ``wa_id``, an SMS one a number."""
    if channel == "whatsapp":
        return contacts_unsubscribe_by_wa_id(account_id=account_id, wa_ids=addresses, at=at)
    if channel == "sms":
        return contacts_unsubscribe_by_phone(
            account_id=account_id, phones=addresses, source=channel, at=at
        )
    raise ValueError(f"No reply opt-out for the channel {channel!r}.")


def contacts_unsubscribe_by_wa_id(
    *, account_id: int, wa_ids: Sequence[str], at: dt.datetime | None = None
) -> int:
    """Unsubscribe the contacts who sent STOP on WhatsApp. A ``wa_id`` is not always the
    contact's E.164 number (Brazil's ninth digit, Mexico's ``1``): every form it can stand
    for is matched, in the same one query."""
    phones = [phone for wa_id in wa_ids for phone in wa_id_candidates(wa_id)]
    return contacts_unsubscribe_by_phone(
        account_id=account_id, phones=phones, source="whatsapp", at=at
    )


@transaction.atomic
def contacts_unsubscribe_by_phone(
    *, account_id: int, phones: Sequence[str], source: str, at: dt.datetime | None = None
) -> int:
    """Unsubscribe the account's subscribed contacts with these numbers; one Event each.

    Answers how many contacts changed; one already unsubscribed is left as it is (no event).
    """
    numbers = sorted({e164(p) for p in phones} - {""})
    if not numbers:
        return 0
    at = at or timezone.now()
    contacts = list(
        Contact.objects.select_for_update()
        .filter(account_id=account_id, phone__in=numbers, subscribed=True)
        .values_list("id", "phone")
    )
    if not contacts:
        return 0
    Contact.objects.filter(pk__in=[pk for pk, _ in contacts]).update(
        subscribed=False, unsubscribed_at=at, updated_at=timezone.now()
    )
    events_record(
        NewEvent(
            account_id=account_id,
            contact_id=pk,
            type=EventType.UNSUBSCRIBED,
            occurred_at=at,
            data={"source": source, "phone": phone},
        )
        for pk, phone in contacts
    )
    return len(contacts)
