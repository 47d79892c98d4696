"""Reads of contacts and import jobs that pages, the API and exports share; all account-scoped."""

from django.db.models import Q, QuerySet

from accounts.models import Account
from audience.models import Contact, ImportJob
from core.errors import NotFound


def contact_get(*, account: Account, contact_id: int | str) -> Contact:
    """The account's contact, or ``NotFound`` (also for another account's id)."""
    try:
        return Contact.objects.for_account(account).prefetch_related("tags").get(pk=int(contact_id))
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise NotFound("Contact not found.") from None


def contact_list(
    *,
    account: Account,
    q: str = "",
    tag: str = "",
    subscribed: bool | None = None,
    country: str = "",
) -> QuerySet[Contact]:
    qs = Contact.objects.for_account(account)
    q = (q or "").strip()
    if q:
        words = Q()
        for word in q.split()[:5]:
            digits = word.lstrip("+")
            match = (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
            if digits.isdigit():
                match |= Q(phone__contains=digits)
            words &= match
        qs = qs.filter(words)
    if tag:
        qs = qs.filter(tags__name=tag)
    if subscribed is not None:
        qs = qs.filter(subscribed=subscribed)
    if country:
        qs = qs.filter(country=country.upper())
    return qs.order_by("-created_at", "-id")


def import_job_get(*, account: Account, job_id: int | str) -> ImportJob:
    try:
        return ImportJob.objects.for_account(account).get(pk=int(job_id))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound("Import job not found.") from None


def import_job_list(*, account: Account) -> QuerySet[ImportJob]:
    return ImportJob.objects.for_account(account).order_by("-created_at", "-id")
