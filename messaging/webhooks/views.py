"""Signed provider webhooks: WhatsApp Cloud API and Twilio-compatible SMS callbacks.

Nothing is read from an unsigned body beyond what finding the signing key needs; a wrong or
missing signature answers 401/403 and changes nothing; a bad body answers 400 with a
message, never 500.
"""

import hmac
import json
import logging

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from messaging.models import Sender
from messaging.providers.sms import status_callback_url
from messaging.services.inbound import contacts_unsubscribe_by_phone, is_stop_keyword
from messaging.services.status import StatusUpdate, status_apply

from .parsing import (
    SMS_STATUS,
    PayloadError,
    whatsapp_changes,
    whatsapp_inbound_text,
    whatsapp_status_update,
)
from .signatures import twilio_signature_valid, whatsapp_signature_valid

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _whatsapp_senders():
    return Sender.objects.filter(channel=Sender.Channel.WHATSAPP, is_active=True)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request):
    if request.method == "GET":
        return _whatsapp_verify(request)
    return _whatsapp_receive(request)


def _whatsapp_verify(request):
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if mode != "subscribe" or not token:
        return HttpResponse("Not a subscription request.", status=403, content_type="text/plain")
    # Tokens are stored encrypted (a query cannot compare them): compare each in constant time.
    stored = _whatsapp_senders().exclude(verify_token="").values_list("verify_token", flat=True)
    if not any(hmac.compare_digest(s.encode(), token.encode()) for s in stored):
        return HttpResponse("Wrong verify token.", status=403, content_type="text/plain")
    return HttpResponse(challenge, content_type="text/plain")


def _whatsapp_receive(request):
    raw = request.body
    header = request.headers.get(SIGNATURE_HEADER, "")
    if not header:
        return _error(f"Missing {SIGNATURE_HEADER} header.", 401)
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if payload is None or not isinstance(payload, dict):
        # No phone number id to find the key by: accept the claim only if some sender's
        # secret signed these bytes, so an unsigned caller learns nothing from a 400.
        secrets = _whatsapp_senders().exclude(app_secret="").values_list("app_secret", flat=True)
        if any(whatsapp_signature_valid(s, raw, header) for s in set(secrets)):
            return _error("The body is not a JSON object.", 400)
        return _error("Invalid signature.", 403)
    try:
        changes = whatsapp_changes(payload)
    except PayloadError as exc:
        changes, shape_error = None, str(exc)
    if changes is None:
        secrets = _whatsapp_senders().exclude(app_secret="").values_list("app_secret", flat=True)
        if any(whatsapp_signature_valid(s, raw, header) for s in set(secrets)):
            return _error(f"Unexpected payload: {shape_error}", 400)
        return _error("Invalid signature.", 403)

    phone_ids = {c.phone_number_id for c in changes}
    senders = list(_whatsapp_senders().filter(phone_number_id__in=phone_ids))
    verified: dict[str, list[Sender]] = {}
    for sender in senders:
        if whatsapp_signature_valid(sender.app_secret, raw, header):
            verified.setdefault(sender.phone_number_id, []).append(sender)
    if phone_ids and not verified:
        return _error("Invalid signature.", 403)

    updates: list[StatusUpdate] = []
    stops: list[tuple[Sender, str]] = []
    for change in changes:
        for sender in verified.get(change.phone_number_id, []):
            updates.extend(whatsapp_status_update(s, sender.pk) for s in change.statuses)
            for message in change.messages:
                if is_stop_keyword(whatsapp_inbound_text(message)):
                    stops.append((sender, str(message.get("from") or "")))
    result = status_apply(updates=updates)
    unsubscribed = _unsubscribe(stops, source="whatsapp")
    return JsonResponse(
        {
            "statuses": len(updates),
            "applied": result.applied,
            "ignored": result.ignored,
            "unknown": result.unknown,
            "unsubscribed": unsubscribed,
        }
    )


def _unsubscribe(stops: list[tuple[Sender, str]], *, source: str) -> int:
    by_account: dict[int, list[str]] = {}
    for sender, phone in stops:
        if phone:
            by_account.setdefault(sender.account_id, []).append(phone)
    return sum(
        contacts_unsubscribe_by_phone(account_id=account_id, phones=phones, source=source)
        for account_id, phones in by_account.items()
    )


TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt
@require_http_methods(["POST"])
def sms(request, sender_id: int):
    sender = Sender.objects.filter(pk=sender_id, channel=Sender.Channel.SMS).first()
    if sender is None:
        return _error("Unknown sender.", 404)
    header = request.headers.get("X-Twilio-Signature", "")
    if not header:
        return _error("Missing X-Twilio-Signature header.", 401)
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    # Twilio signs the URL it was given: the StatusCallback we build from PUBLIC_BASE_URL (the
    # same behind any proxy), or this address as it arrived (a number's inbound webhook).
    urls = {request.build_absolute_uri(), status_callback_url(sender)} - {""}
    if not any(twilio_signature_valid(sender.auth_token, url, params, header) for url in urls):
        return _error("Invalid signature.", 403)

    post = request.POST
    raw_status = post.get("MessageStatus") or post.get("SmsStatus") or ""
    message_sid = post.get("MessageSid") or post.get("SmsSid") or ""
    body = post.get("Body")
    if body is not None and raw_status in {"", "received", "receiving"}:
        if is_stop_keyword(body):
            _unsubscribe([(sender, post.get("From", ""))], source="sms")
        return HttpResponse(TWIML_EMPTY, content_type="text/xml")
    if not message_sid or not raw_status:
        return _error("MessageSid and MessageStatus are required.", 400)
    status = SMS_STATUS.get(raw_status)
    if status is None:  # queued, accepted, sending, scheduled: nothing to record yet
        return HttpResponse(status=204)
    error_code = post.get("ErrorCode", "")
    update = StatusUpdate(
        provider_message_id=message_sid,
        status=status,
        timestamp=None,
        error_code=error_code if status == "failed" else "",
        error_title=post.get("ErrorMessage", "") or (raw_status if status == "failed" else ""),
        error_details=post.get("ErrorMessage", "") or "",
        sender_id=sender.pk,
    )
    status_apply(updates=[update])
    return HttpResponse(status=204)
