"""Recording a conversion: the row, its attribution, the ``converted`` event (which feeds the
rollups), the recipient's ``converted_at`` and the campaign's counters, in one transaction.

Idempotent on the order id: the same order reported again (a retried webhook, a reloaded
thank-you page) answers the stored conversion and counts nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Account
from analytics.attribution import Attribution, attribution_find
from analytics.error_codes import AnalyticsErrorCode
from analytics.models import Conversion, Event
from audience.models import Contact
from audience.phones import InvalidPhone, phone_normalise
from campaigns.models import Campaign
from core.errors import NotFound, ValidationFailed
from core.events import NewEvent, events_record
from delivery.models import Recipient

# How far ahead of the server's clock a reported time may be (clocks drift).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class ConversionIn:
    """What a source (the API, the pixel, a store) reports, already parsed."""

    event: str = "purchase"
    value: Decimal | None = None
    currency: str = ""
    occurred_at: dt.datetime | None = None
    order_id: str = ""
    properties: dict[str, Any] = field(default_factory=dict)


def _problem(field_name: str, message: str, code: AnalyticsErrorCode) -> ValidationFailed:
    return ValidationFailed(
        message, code=code, extra={"problems": [{"field": field_name, "message": message}]}
    )


def conversion_check(*, account: Account, data: ConversionIn) -> tuple[str, dt.datetime]:
    """The currency and time the conversion is stored with; refuses another currency and a
    time in the future."""
    currency = (data.currency or account.currency).upper()
    if currency != account.currency.upper():
        raise _problem(
            "currency",
            f"Amounts of this account are in {account.currency}; this conversion is in "
            f"{currency}. Convert it before sending (amounts are never converted here).",
            AnalyticsErrorCode.CURRENCY_MISMATCH,
        )
    now = timezone.now()
    occurred_at = data.occurred_at or now
    if occurred_at > now + FUTURE_TOLERANCE:
        raise _problem(
            "occurredAt",
            "occurredAt is in the future; send the time the conversion happened.",
            AnalyticsErrorCode.OCCURRED_IN_FUTURE,
        )
    return currency, occurred_at


@transaction.atomic
def conversion_record(
    *,
    account: Account,
    contact_id: int | None,
    data: ConversionIn,
    attribution: Attribution | None = None,
) -> tuple[Conversion, bool]:
    """Store the conversion and count it; answers it and whether it is new.

    ``attribution`` is given when the source knows the click (the pixel's token); otherwise
    the account's rule finds it from the contact's touches."""
    currency, occurred_at = conversion_check(account=account, data=data)
    if data.order_id:
        existing = Conversion.objects.for_account(account).filter(order_id=data.order_id).first()
        if existing is not None:
            return existing, False
    if attribution is None and contact_id is not None:
        attribution = attribution_find(
            account=account, contact_id=contact_id, occurred_at=occurred_at
        )
    touch = attribution.touch if attribution is not None else None
    conversion = Conversion(
        account=account,
        contact_id=contact_id,
        campaign_id=touch.campaign_id if touch else None,
        recipient_id=touch.recipient_id if touch else None,
        variant_key=touch.variant_key if touch else "",
        event=data.event,
        value=data.value,
        currency=currency,
        order_id=data.order_id,
        occurred_at=occurred_at,
        properties=data.properties,
        attribution=attribution.kind if attribution is not None else "",
    )
    try:
        with transaction.atomic():
            conversion.save()
    except IntegrityError:
        # The same order, stored by a concurrent request since the look-up above.
        return Conversion.objects.for_account(account).get(order_id=data.order_id), False
    unique = False
    if touch is not None:
        # The first conversion of the recipient is the one that sets converted_at.
        unique = (
            Recipient.objects.filter(pk=touch.recipient_id, converted_at__isnull=True).update(
                converted_at=occurred_at
            )
            == 1
        )
        Campaign.objects.filter(pk=touch.campaign_id).update(
            total_converted=F("total_converted") + int(unique),
            estimated_revenue=F("estimated_revenue") + (data.value or Decimal("0")),
        )
    events_record([_event(conversion, contact_id=contact_id, unique=unique)])
    return conversion, True


def _event(conversion: Conversion, *, contact_id: int | None, unique: bool) -> NewEvent:
    return NewEvent(
        account_id=conversion.account_id,
        type=Event.Type.CONVERTED,
        occurred_at=conversion.occurred_at,
        campaign_id=conversion.campaign_id,
        recipient_id=conversion.recipient_id,
        contact_id=contact_id,
        revenue=conversion.value,
        data={
            "event": conversion.event,
            "order_id": conversion.order_id,
            "currency": conversion.currency,
            "value": str(conversion.value) if conversion.value is not None else "",
            "attribution": conversion.attribution,
            "unique": unique,
            "conversion_id": conversion.pk,
            "properties": conversion.properties,
        },
    )


def conversion_contact_id(
    *,
    account: Account,
    contact_id: int | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> int:
    """The account's contact a conversion names, by exactly one of id, phone or e-mail.

    Another account's contact is not found, like one that does not exist."""
    given = [name for name in (contact_id, phone, email) if name is not None]
    if len(given) != 1:
        message = "Name the contact by exactly one of contactId, phone or email."
        raise ValidationFailed(
            message, extra={"problems": [{"field": "contactId", "message": message}]}
        )
    contacts = Contact.objects.for_account(account)
    if contact_id is not None:
        field_name, found = "contactId", contacts.filter(pk=contact_id)
    elif phone is not None:
        try:
            e164 = phone_normalise(phone, region=account.default_phone_region)
        except InvalidPhone as exc:
            exc.extra.setdefault("problems", [{"field": "phone", "message": exc.message}])
            raise
        field_name, found = "phone", contacts.filter(phone=e164)
    else:
        assert email is not None  # exactly one was given
        field_name, found = "email", contacts.filter(email__iexact=email.strip())
    ids = list(found.order_by("pk").values_list("pk", flat=True)[:2])
    if not ids:
        raise NotFound(
            f"No contact of this account has that {field_name}.",
            code=AnalyticsErrorCode.CONTACT_NOT_FOUND,
        )
    if len(ids) > 1:
        raise _problem(
            field_name,
            "Several contacts have this e-mail address; name the contact by contactId or phone.",
            AnalyticsErrorCode.CONTACT_AMBIGUOUS,
        )
    return ids[0]
