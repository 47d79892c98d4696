"""Reads of senders shared by pages, the API and other apps; every one is account-scoped."""

from django.db.models import QuerySet

from accounts.models import Account
from core.errors import NotFound
from messaging.models import Sender


def sender_list(*, account: Account, channel: str = "") -> QuerySet[Sender]:
    qs = Sender.objects.for_account(account)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("name", "id")


def sender_get(*, account: Account, sender_id: int | str) -> Sender:
    """The account's sender, or ``NotFound`` (also for another account's id)."""
    try:
        return Sender.objects.for_account(account).get(pk=int(sender_id))
    except (Sender.DoesNotExist, ValueError, TypeError):
        raise NotFound("Sender not found.") from None


def sender_by_phone_number_id(*, account: Account, phone_number_id: str) -> Sender:
    """The sender a campaign's ``phoneNumberId`` names, or ``NotFound``."""
    sender = Sender.objects.for_account(account).filter(phone_number_id=phone_number_id).first()
    if sender is None:
        raise NotFound(f"No sender with phone number id “{phone_number_id}”.")
    return sender
