"""Creating, changing and deleting senders. Secrets are write-only: a blank one keeps the
stored value, and nothing here ever returns one."""

import re
import secrets as _secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Field, ProtectedError

from accounts.models import Account
from core import urlguard
from core.errors import Conflict, ValidationFailed
from messaging.limits import TIERS
from messaging.models import SECRET_FIELDS, Sender
from messaging.services.limits import sender_limits_read_after_commit

# Model field → the API's camelCase name, for error paths.
API_NAMES = {
    "channel": "channel",
    "name": "name",
    "phone_number_id": "phoneNumberId",
    "display_phone_number": "displayPhoneNumber",
    "api_base_url": "apiBaseUrl",
    "account_sid": "accountSid",
    "from_address": "fromAddress",
    "messaging_service_sid": "messagingServiceSid",
    "sms_segment_price": "smsSegmentPrice",
    "rate_limit_per_second": "rateLimitPerSecond",
    "messaging_limit": "messagingLimit",
    "is_active": "isActive",
    "simulate_statuses": "simulateStatuses",
    "access_token": "accessToken",
    "app_secret": "appSecret",
    "verify_token": "verifyToken",
    "auth_token": "authToken",
    "smtp_password": "smtpPassword",
}
PLAIN_FIELDS = tuple(f for f in API_NAMES if f not in SECRET_FIELDS)
# Fields whose explicit empty value (None) means "none", not "keep": a price can be removed.
NULLABLE_FIELDS = ("sms_segment_price",)

# What each channel needs before it can send (and verify its webhooks).
REQUIRED: dict[str, tuple[str, ...]] = {
    Sender.Channel.SANDBOX: (),
    Sender.Channel.WHATSAPP: ("phone_number_id", "access_token", "app_secret"),
    # And a From number or a Messaging Service (``_sms_problems``).
    Sender.Channel.SMS: ("account_sid", "auth_token"),
    Sender.Channel.EMAIL: (),
}
MAX_RATE = 10_000
# Twilio's Messaging Service SIDs: "MG" and 32 hexadecimal digits.
MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
MAX_SEGMENT_PRICE = Decimal("1000")
# What the tier and quality read from WhatsApp depend on: a change reads them again.
LIMITS_READ_FROM = ("channel", "phone_number_id", "api_base_url", "access_token")
# What they describe: another number (or channel) makes the last read meaningless.
LIMITS_BELONG_TO = {"channel", "phone_number_id"}
LIMITED_CHANNELS = (Sender.Channel.WHATSAPP, Sender.Channel.SANDBOX)


def api_base_url_problem(*, channel: str, url: str) -> str | None:
    """Why a sender's API base URL is refused, or None: its format, then where it leads
    (``core.urlguard``). Email senders may name their own SMTP server (``smtp://``)."""
    schemes = ["http", "https"]
    if channel == Sender.Channel.EMAIL:
        schemes += ["smtp", "smtps"]
    try:
        URLValidator(schemes=schemes)(url)
    except DjangoValidationError:
        return "Enter a valid URL (http:// or https://)."
    return urlguard.url_problem(url, schemes=schemes)


def _sms_problems(sender: Sender) -> list[tuple[str, str]]:
    """(field, message) for what an SMS sender lacks or gets wrong."""
    problems = []
    if sender.channel == Sender.Channel.SMS and not (
        sender.from_address.strip() or sender.messaging_service_sid.strip()
    ):
        problems.append(
            ("from_address", "Give the From number, or a Messaging Service SID to send from.")
        )
    if sender.messaging_service_sid and not MESSAGING_SERVICE_SID.match(
        sender.messaging_service_sid
    ):
        problems.append(
            ("messaging_service_sid", "A Messaging Service SID is MG followed by 32 hex digits.")
        )
    price = sender.sms_segment_price
    if price is not None:
        try:
            price = Decimal(price)
        except (InvalidOperation, TypeError, ValueError):
            price = None
        if price is None or not price.is_finite() or not 0 <= price < MAX_SEGMENT_PRICE:
            problems.append(("sms_segment_price", "A price between 0 and 999.99999."))
        elif _decimal_places(price) > 5:
            problems.append(("sms_segment_price", "At most 5 decimal places."))
        else:
            sender.sms_segment_price = price
    return problems


def _decimal_places(value: Decimal) -> int:
    """Places as written (``1.50`` has two); a finite number's exponent is an int."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def _validate(sender: Sender) -> None:
    problems = []

    def problem(field: str, message: str) -> None:
        problems.append({"field": API_NAMES.get(field, field), "message": message})

    for field, message in _sms_problems(sender):
        problem(field, message)

    if sender.channel not in Sender.Channel.values:
        problem("channel", f"Choose one of: {', '.join(Sender.Channel.values)}.")
    if not sender.name.strip():
        problem("name", "A name is required.")
    for field in REQUIRED.get(sender.channel, ()):
        if not str(getattr(sender, field) or "").strip():
            problem(field, f"Required for a {sender.get_channel_display()} sender.")
    if sender.api_base_url:
        url_problem = api_base_url_problem(channel=sender.channel, url=sender.api_base_url)
        if url_problem:
            problem("api_base_url", url_problem)
    if sender.channel == Sender.Channel.EMAIL and sender.from_address:
        try:
            validate_email(sender.from_address.rsplit("<", 1)[-1].strip(" >"))
        except DjangoValidationError:
            problem("from_address", "Enter a valid email address.")
    if sender.messaging_limit and sender.messaging_limit not in TIERS:
        problem("messaging_limit", f"Choose one of: {', '.join(sorted(TIERS))}, or blank.")
    elif sender.messaging_limit and sender.channel not in LIMITED_CHANNELS:
        problem("messaging_limit", "Only WhatsApp (and sandbox) senders have a messaging limit.")
    if not 0 <= int(sender.rate_limit_per_second) <= MAX_RATE:
        problem("rate_limit_per_second", f"Between 0 (no limit) and {MAX_RATE}.")
    for field in PLAIN_FIELDS + SECRET_FIELDS:
        model_field = Sender._meta.get_field(field)
        max_length = model_field.max_length if isinstance(model_field, Field) else None
        value = getattr(sender, field)
        if isinstance(value, str) and max_length and len(value) > max_length:
            problem(field, f"At most {max_length} characters.")
    if problems:
        raise ValidationFailed(
            "; ".join(f"{p['field']}: {p['message']}" for p in problems),
            extra={"problems": problems},
        )
    clash = Sender.objects.filter(
        account_id=sender.account_id, phone_number_id=sender.phone_number_id
    ).exclude(pk=sender.pk)
    if clash.exists():
        raise Conflict(
            f"Another sender of this account already uses the id “{sender.phone_number_id}”.",
            extra={"problems": [{"field": "phoneNumberId", "message": "Already in use."}]},
        )


def _apply(sender: Sender, data: dict[str, Any]) -> list[str]:
    changed = []
    for field in NULLABLE_FIELDS:
        if field in data:
            setattr(sender, field, data[field])
            changed.append(field)
    for field in PLAIN_FIELDS:
        if field in NULLABLE_FIELDS:
            continue
        if field in data and data[field] is not None:
            value = data[field]
            setattr(sender, field, value.strip() if isinstance(value, str) else value)
            changed.append(field)
    for field in SECRET_FIELDS:
        value = data.get(field)
        if value:  # blank or absent keeps what is stored
            setattr(sender, field, value.strip())
            changed.append(field)
    return changed


def _default_id(sender: Sender) -> bool:
    """Channels without a provider id get one of their own (the column is unique per account)."""
    if sender.phone_number_id or sender.channel == Sender.Channel.WHATSAPP:
        return False
    sender.phone_number_id = f"{sender.channel}-{_secrets.token_hex(4)}"
    return True


@transaction.atomic
def sender_create(*, account: Account, data: dict[str, Any]) -> Sender:
    sender = Sender(account=account)
    _apply(sender, data)
    _default_id(sender)
    _validate(sender)
    sender.save()
    sender_limits_read_after_commit(sender)
    return sender


@transaction.atomic
def sender_update(*, sender: Sender, data: dict[str, Any]) -> Sender:
    before = {field: getattr(sender, field) for field in LIMITS_READ_FROM}
    changed = _apply(sender, data)
    if not changed:
        return sender
    if _default_id(sender):
        changed.append("phone_number_id")
    _validate(sender)
    moved = {f for f in LIMITS_READ_FROM if getattr(sender, f) != before[f]}
    if moved & LIMITS_BELONG_TO:
        # The last read was about another number: the fallback applies until the next one.
        sender.limit_tier_read = sender.quality_rating = sender.limits_error = ""
        sender.limits_checked_at = None
        changed += ["limit_tier_read", "quality_rating", "limits_error", "limits_checked_at"]
    sender.save(update_fields=[*sorted(set(changed)), "updated_at"])
    if moved:
        sender_limits_read_after_commit(sender)
    return sender


@transaction.atomic
def sender_delete(*, sender: Sender) -> None:
    if sender.campaigns.exists():
        raise Conflict("This sender is used by campaigns; deactivate it instead of deleting it.")
    try:
        sender.delete()
    except ProtectedError:
        raise Conflict(
            "This sender is used by campaigns; deactivate it instead of deleting it."
        ) from None
