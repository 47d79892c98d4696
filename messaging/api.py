"""``/api/senders``: sending identities. Reads for every member; writes need "manage"."""

from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from accounts.request import AccountRequest
from core.api import errors, require_permission
from core.schemas import RowId
from messaging import selectors
from messaging.limits import messaging_limit
from messaging.models import Sender
from messaging.providers.sms import status_callback_url
from messaging.schemas import SenderIn, SenderOut
from messaging.services.senders import sender_create, sender_delete, sender_update

router = Router(tags=["senders"])


def _plain(amount: Decimal | None) -> str | None:
    """A price as written, without the column's trailing zeros ("0.0079", not "0.00790")."""
    return None if amount is None else f"{amount.normalize():f}"


def _out(request: HttpRequest, sender: Sender) -> dict[str, object]:
    if sender.channel == "whatsapp":
        webhook = request.build_absolute_uri(reverse("webhooks:whatsapp"))
    elif sender.channel == "sms":
        # What the SMS adapter hands Twilio as StatusCallback, when PUBLIC_BASE_URL is set.
        webhook = status_callback_url(sender) or request.build_absolute_uri(
            reverse("webhooks:sms", args=[sender.pk])
        )
    else:
        webhook = ""
    limit = messaging_limit(sender)
    return {
        "id": sender.pk,
        "channel": sender.channel,
        "name": sender.name,
        "phoneNumberId": sender.phone_number_id,
        "displayPhoneNumber": sender.display_phone_number,
        "apiBaseUrl": sender.api_base_url,
        "accountSid": sender.account_sid,
        "fromAddress": sender.from_address,
        "messagingServiceSid": sender.messaging_service_sid,
        "smsSegmentPrice": _plain(sender.sms_segment_price),
        "rateLimitPerSecond": sender.rate_limit_per_second,
        "messagingLimit": sender.messaging_limit,
        "limitTierRead": sender.limit_tier_read,
        "qualityRating": sender.quality_rating,
        "limitsCheckedAt": sender.limits_checked_at,
        "limitsError": sender.limits_error,
        "messagingLimitUsers": limit.users,
        "messagingLimitSource": limit.source,
        "isActive": sender.is_active,
        "simulateStatuses": sender.simulate_statuses,
        "hasAccessToken": bool(sender.access_token),
        "hasAppSecret": bool(sender.app_secret),
        "hasVerifyToken": bool(sender.verify_token),
        "hasAuthToken": bool(sender.auth_token),
        "hasSmtpPassword": bool(sender.smtp_password),
        "webhookUrl": webhook,
        "createdAt": sender.created_at,
        "updatedAt": sender.updated_at,
    }


@router.get("/senders", response={200: list[SenderOut], **errors()}, by_alias=True)
def list_senders(request: AccountRequest, channel: str = "") -> list[dict[str, object]]:
    return [
        _out(request, s) for s in selectors.sender_list(account=request.account, channel=channel)
    ]


@router.post("/senders", response={201: SenderOut, **errors(403, 409, 413)}, by_alias=True)
def create_sender(request: AccountRequest, payload: SenderIn) -> Status[dict[str, object]]:
    require_permission(request, "manage")
    sender = sender_create(account=request.account, data=payload.dict(exclude_unset=True))
    return Status(201, _out(request, sender))


@router.get("/senders/{sender_id}", response={200: SenderOut, **errors(404)}, by_alias=True)
def get_sender(request: AccountRequest, sender_id: RowId) -> dict[str, object]:
    return _out(request, selectors.sender_get(account=request.account, sender_id=sender_id))


@router.put(
    "/senders/{sender_id}",
    response={200: SenderOut, **errors(403, 404, 409, 413)},
    by_alias=True,
)
def update_sender(
    request: AccountRequest, sender_id: RowId, payload: SenderIn
) -> dict[str, object]:
    require_permission(request, "manage")
    sender = selectors.sender_get(account=request.account, sender_id=sender_id)
    sender = sender_update(sender=sender, data=payload.dict(exclude_unset=True))
    return _out(request, sender)


@router.delete("/senders/{sender_id}", response={204: None, **errors(403, 404, 409)})
def delete_sender(request: AccountRequest, sender_id: RowId) -> Status[None]:
    require_permission(request, "manage")
    sender_delete(sender=selectors.sender_get(account=request.account, sender_id=sender_id))
    return Status(204, None)
