"""The suppression list: phones and emails that no campaign may message."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import Account
from audience.models import SuppressionEntry
from audience.phones import InvalidPhone, phone_parse
from core.errors import Conflict, ValidationFailed


def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, extra={"problems": [{"field": field, "message": message}]})


def phone_normalise(*, raw: str, region: str) -> str:
    """E.164 form of ``raw`` read with ``region`` for numbers without a country code."""
    try:
        return phone_parse(raw, region=region).e164
    except InvalidPhone as exc:
        raise _problem("phone", exc.message) from None


@transaction.atomic
def suppression_add(
    *, account: Account, phone: str | None = None, email: str | None = None, reason: str = ""
) -> SuppressionEntry:
    phone = (phone or "").strip() or None
    email = (email or "").strip().lower() or None
    if phone is None and email is None:
        raise _problem("phone", "Give a phone number or an email address to suppress.")
    if phone is not None:
        phone = phone_normalise(raw=phone, region=account.default_phone_region)
    if email is not None:
        try:
            validate_email(email)
        except ValidationError:
            raise _problem("email", f"“{email}” is not an email address.") from None
    existing = SuppressionEntry.objects.for_account(account)
    if phone and existing.filter(phone=phone).exists():
        raise Conflict(f"{phone} is already on the suppression list.")
    if email and existing.filter(email=email).exists():
        raise Conflict(f"{email} is already on the suppression list.")
    return SuppressionEntry.objects.create(
        account=account, phone=phone, email=email, reason=(reason or "")[:200]
    )


@transaction.atomic
def suppression_remove(*, entry: SuppressionEntry) -> None:
    entry.delete()
