"""``POST /api/conversions``: a shop, a CRM or a backend reports a purchase, a sign-up or any
named event of a contact. Idempotent on ``orderId``: 201 with the new conversion, 200 with the
stored one when the order was already reported (nothing is counted twice)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any

from ninja import Router, Status
from pydantic import Field, field_validator

from accounts.request import AccountRequest
from analytics.conversions import ConversionIn, conversion_contact_id, conversion_record
from analytics.models import Conversion
from core.api import errors, require_permission
from core.schemas import CamelSchema, Id, Moment

router = Router(tags=["conversions"])

EVENT_PATTERN = r"^[a-z0-9_.-]{1,64}$"
PROPERTIES_MAX_CHARS = 10_000


class ConversionBody(CamelSchema):
    """The contact is named by exactly one of ``contactId``, ``phone`` or ``email``."""

    contact_id: Id | None = None
    phone: str | None = Field(default=None, min_length=1, max_length=40)
    email: str | None = Field(default=None, min_length=3, max_length=254)
    event: str = Field(
        default="purchase",
        pattern=EVENT_PATTERN,
        description="purchase, signup, form_submitted or any name: a-z, 0-9, _ . -, at most 64.",
    )
    value: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None = None
    currency: str | None = Field(
        default=None, pattern=r"^[A-Za-z]{3}$", description="The account's currency (default)."
    )
    occurred_at: Moment | None = Field(
        default=None, description="Default now; at most 5 minutes ahead of the server's clock."
    )
    order_id: str = Field(default="", max_length=128)
    properties: dict[str, Any] = Field(default_factory=dict)

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        # A time without an offset is read as UTC, the API's convention.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value

    @field_validator("properties")
    @classmethod
    def _small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, ensure_ascii=False)) > PROPERTIES_MAX_CHARS:
            raise ValueError(f"Keep properties under {PROPERTIES_MAX_CHARS:,} characters of JSON.")
        return value


class ConversionRecordOut(CamelSchema):
    id: int
    contact_id: int | None
    campaign_id: int | None
    variant: str | None
    event: str
    value: Decimal | None
    currency: str
    order_id: str
    occurred_at: dt.datetime
    properties: dict[str, Any]
    attribution: str | None
    created_at: dt.datetime


def conversion_out(conversion: Conversion) -> ConversionRecordOut:
    return ConversionRecordOut(
        id=conversion.pk,
        contact_id=conversion.contact_id,
        campaign_id=conversion.campaign_id,
        variant=conversion.variant_key or None,
        event=conversion.event,
        value=conversion.value,
        currency=conversion.currency,
        order_id=conversion.order_id,
        occurred_at=conversion.occurred_at,
        properties=conversion.properties,
        attribution=conversion.attribution or None,
        created_at=conversion.created_at,
    )


@router.post(
    "/conversions",
    response={200: ConversionRecordOut, 201: ConversionRecordOut, **errors(403, 404, 413)},
    by_alias=True,
)
def create_conversion(
    request: AccountRequest, payload: ConversionBody
) -> Status[ConversionRecordOut]:
    """Record a conversion, attributed by the account's rule (last click within the click
    window, else last delivery within the delivery window). The same ``orderId`` again answers
    200 with the stored conversion."""
    require_permission(request, "edit")
    contact_id = conversion_contact_id(
        account=request.account,
        contact_id=payload.contact_id,
        phone=payload.phone,
        email=payload.email,
    )
    conversion, created = conversion_record(
        account=request.account,
        contact_id=contact_id,
        data=ConversionIn(
            event=payload.event,
            value=payload.value,
            currency=payload.currency or "",
            occurred_at=payload.occurred_at,
            order_id=payload.order_id,
            properties=payload.properties,
        ),
    )
    return Status(201 if created else 200, conversion_out(conversion))
