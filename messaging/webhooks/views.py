"""Signed provider webhooks: WhatsApp Cloud API and Twilio-compatible SMS callbacks.

Nothing is read from an unsigned body beyond what finding the signing key needs; a wrong or
missing signature answers 401/403 and changes nothing; a bad body answers 400 with a
message, never 500. A callback about a number that is not ours (not configured here, its
sender deactivated, another provider account's) is answered 200 and dropped with a log line:
the provider would otherwise retry it for days, and nothing here can use it.
"""

import hmac
import json
import logging

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from messaging.models import Sender
from messaging.providers.sms import error_title as sms_error_title
from messaging.providers.sms import status_callback_url
from messaging.services.inbound import (
    contacts_unsubscribe_by_sms,
    contacts_unsubscribe_by_wa_id,
    is_stop_keyword,
)
from messaging.statuses import StatusUpdate, statuses_apply

from .parsing import (
    SMS_STATUS,
    PayloadError,
    WhatsAppChange,
    whatsapp_changes,
    whatsapp_inbound_words,
    whatsapp_status_update,
)
from .signatures import twilio_signature_valid, whatsapp_signature_valid

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _whatsapp_senders() -> QuerySet[Sender]:
    return Sender.objects.filter(channel=Sender.Channel.WHATSAPP, is_active=True)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _whatsapp_verify(request)
    return _whatsapp_receive(request)


def _whatsapp_verify(request: HttpRequest) -> HttpResponse:
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


def _whatsapp_receive(request: HttpRequest) -> HttpResponse:
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
    ours = {sender.phone_number_id for sender in senders}
    if ours - verified.keys():
        # A number of ours that its sender's app secret did not sign: none of it is genuine
        # (a body is signed once, so its other parts are not either).
        return _error("Invalid signature.", 403)
    # Numbers that are not ours (another installation's, a deleted or deactivated sender's)
    # are dropped with a 200: a refusal would only make Meta retry them for days.
    dropped = _whatsapp_drop_foreign(changes, phone_ids - ours)

    updates: list[StatusUpdate] = []
    stops: list[tuple[Sender, str]] = []
    for change in changes:
        for sender in verified.get(change.phone_number_id, []):
            updates.extend(whatsapp_status_update(s, sender.pk) for s in change.statuses)
            for message in change.messages:
                if any(is_stop_keyword(word) for word in whatsapp_inbound_words(message)):
                    stops.append((sender, str(message.get("from") or "")))
    result = statuses_apply(updates=updates)
    unsubscribed = sum(
        contacts_unsubscribe_by_wa_id(account_id=account_id, wa_ids=wa_ids)
        for account_id, wa_ids in _by_account(stops).items()
    )
    return JsonResponse(
        {
            "statuses": len(updates),
            "applied": result.applied,
            "ignored": result.ignored,
            "unknown": result.unknown,
            "unsubscribed": unsubscribed,
            "dropped": dropped,
        }
    )


LOGGED_IDS = 10  # a forged body may name thousands: the log line names the first ones
NOT_HERE = "no sender of this installation has it"
DEACTIVATED = "its sender is deactivated"


def _whatsapp_drop_foreign(changes: list[WhatsAppChange], foreign: set[str]) -> int:
    """One log line for what is dropped, and why; answers how many statuses and messages."""
    if not foreign:
        return 0
    total = sum(len(c.statuses) + len(c.messages) for c in changes if c.phone_number_id in foreign)
    named = sorted(foreign)[:LOGGED_IDS]
    deactivated = set(
        Sender.objects.filter(
            channel=Sender.Channel.WHATSAPP, is_active=False, phone_number_id__in=named
        ).values_list("phone_number_id", flat=True)
    )
    reasons = dict.fromkeys(named, NOT_HERE) | dict.fromkeys(deactivated, DEACTIVATED)
    logger.info(
        "WhatsApp webhook: dropped %d status(es) and message(s) for phone number id(s) not "
        "ours: %s%s",
        total,
        ", ".join(f"{pid!r} ({reasons[pid]})" for pid in named),
        f" and {len(foreign) - len(named)} more" if len(foreign) > len(named) else "",
    )
    return total


def _by_account(stops: list[tuple[Sender, str]]) -> dict[int, list[str]]:
    by_account: dict[int, list[str]] = {}
    for sender, phone in stops:
        if phone:
            by_account.setdefault(sender.account_id, []).append(phone)
    return by_account


TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt
@require_http_methods(["POST"])
def sms(request: HttpRequest, sender_id: int) -> HttpResponse:
    sender = Sender.objects.filter(pk=sender_id, channel=Sender.Channel.SMS, is_active=True).first()
    if sender is None:
        # Not one of our numbers (any more): a refusal would only make the provider retry.
        return _sms_drop(request, sender_id, _sms_unknown_reason(sender_id))
    account_sid = request.POST.get("AccountSid", "")
    if account_sid and sender.account_sid and account_sid != sender.account_sid:
        # Another provider account's message reached this sender's URL (a number moved
        # between accounts, a reused URL): it is signed with that account's token.
        return _sms_drop(request, sender_id, f"it belongs to account {account_sid[:40]!r}")
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
            contacts_unsubscribe_by_sms(account_id=sender.account_id, phones=[post.get("From", "")])
        return HttpResponse(TWIML_EMPTY, content_type="text/xml")
    if not message_sid or not raw_status:
        return _error("MessageSid and MessageStatus are required.", 400)
    status = SMS_STATUS.get(raw_status)
    if status is None:  # queued, accepted, sending, scheduled: nothing to record yet
        return HttpResponse(status=204)
    failed = status == "failed"
    error_code = post.get("ErrorCode", "") if failed else ""
    title = sms_error_title(error_code) or (raw_status if failed else "")
    update = StatusUpdate(
        provider_message_id=message_sid,
        status=status,
        timestamp=None,
        error_code=error_code,
        error_title=title,
        error_details=post.get("ErrorMessage", "") or title,
        sender_id=sender.pk,
    )
    statuses_apply(updates=[update])
    return HttpResponse(status=204)


def _sms_unknown_reason(sender_id: int) -> str:
    sender = Sender.objects.filter(pk=sender_id).only("channel", "is_active").first()
    if sender is None:
        return "no sender of this installation has this id"
    if sender.channel != Sender.Channel.SMS:
        return "the sender is not an SMS sender"
    return "the sender is deactivated"


def _sms_drop(request: HttpRequest, sender_id: int, why: str) -> HttpResponse:
    logger.info(
        "SMS webhook: dropped %s %r for sender %s: %s",
        "inbound message" if request.POST.get("Body") is not None else "status",
        (request.POST.get("MessageSid") or request.POST.get("SmsSid") or "")[:64],
        sender_id,
        why,
    )
    return HttpResponse(TWIML_EMPTY, content_type="text/xml")
