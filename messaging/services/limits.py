"""Reading a WhatsApp sender's messaging limit tier and quality rating from the Cloud API.

Pacing honours the tier (``messaging.limits.messaging_limit``), so it is read from Meta
rather than typed: ``GET {api_base_url}/{phone_number_id}?fields=messaging_limit_tier,
quality_rating`` with the sender's token. The call goes through ``core.urlguard`` like every
provider call, never follows a redirect, and keeps what an unknown host wrote out of the
stored error (``messaging.providers.http``).

A failed read keeps the last tier that was read (a number's tier rarely changes, and a stale
tier is closer to the truth than the fallback) and says why in ``limits_error``; the page
shows it. Writes are ``.update()`` of the fields read, so a read never overwrites what an
operator saved meanwhile, and they are skipped when the number or base URL changed while the
request was out (the answer was about another number).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import cast
from urllib.parse import quote

import requests
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core import urlguard
from messaging.limits import tier_users
from messaging.models import Sender
from messaging.providers.http import (
    RedirectRefused,
    host_of,
    known_host,
    safe_json,
    timeouts,
    transport_error,
)
from messaging.providers.whatsapp import DEFAULT_API_BASE_URL, map_error

logger = logging.getLogger(__name__)

FIELDS = "messaging_limit_tier,quality_rating"
# What a read is worth: pacing reads the tier before a campaign starts when the last read is
# older than this, and the hourly schedule keeps active senders about this fresh.
MAX_AGE_SECONDS = 3600
# The schedule runs hourly: a sender read 59 minutes ago is due too, or it would wait 2 h.
SCHEDULE_SLACK_SECONDS = 300
# Meta's ratings are short upper-case words (GREEN, YELLOW, RED, NA; UNKNOWN is seen too).
_RATING = re.compile(r"^[A-Z_]{1,10}$")
_TIER_WORD = re.compile(r"^[A-Z0-9_]{1,20}$")
_TIER_MAX_LENGTH = cast(int, Sender._meta.get_field("limit_tier_read").max_length)
_ERROR_MAX_LENGTH = Sender._meta.get_field("limits_error").max_length


class LimitsNotRead(Exception):
    """The tier could not be read; ``str()`` is the reason in plain words, safe to show."""


def phone_number_url(sender: Sender) -> str:
    base = (sender.api_base_url or DEFAULT_API_BASE_URL).rstrip("/")
    return f"{base}/{quote(sender.phone_number_id, safe='')}"


def _refusal(response: requests.Response) -> str:
    """A non-2xx answer in plain words: Meta's title and message from a known host, only
    the status and code from another (its text could be another service's answer)."""
    result = map_error(response.status_code, safe_json(response), response)
    parts = [p for p in (result.error_title, result.error_message) if p]
    if len(parts) == 2 and parts[1].startswith(parts[0]):
        parts = parts[1:]
    reason = ": ".join(parts)
    if known_host(response.url):
        return f"WhatsApp refused the request (HTTP {response.status_code}): {reason}"
    return reason


def _get(sender: Sender) -> requests.Response:
    session = urlguard.GuardedSession(follow_redirects=False, pool_maxsize=1)
    session.headers["Authorization"] = f"Bearer {sender.access_token}"
    try:
        response = session.get(
            phone_number_url(sender),
            params={"fields": FIELDS},
            timeout=timeouts(),
            allow_redirects=False,
        )
        if response.is_redirect:
            response.close()
            raise RedirectRefused(request=response.request, response=response)
        response.content  # noqa: B018 - read the body before the session closes
        return response
    finally:
        session.close()


def _read(sender: Sender) -> tuple[str, str]:
    """``(tier, quality_rating)`` as WhatsApp says, or ``LimitsNotRead``."""
    if not sender.phone_number_id.strip():
        raise LimitsNotRead("The sender has no phone number id.")
    if not sender.access_token:
        raise LimitsNotRead("The sender has no access token.")
    try:
        response = _get(sender)
    except urlguard.UnsafeURL as exc:
        raise LimitsNotRead(f"The API base URL is refused: {exc}") from None
    except requests.RequestException as exc:
        raise LimitsNotRead(transport_error(exc).error_message) from None
    if response.status_code >= 300:
        raise LimitsNotRead(_refusal(response))
    body = safe_json(response)
    tier = body.get("messaging_limit_tier")
    if not isinstance(tier, str) or not tier:
        raise LimitsNotRead(
            f"The answer of {host_of(response.url)} has no messaging_limit_tier: the token may "
            "lack the whatsapp_business_management permission."
        )
    try:
        if len(tier) > _TIER_MAX_LENGTH:
            raise ValueError(tier)
        tier_users(tier)
    except ValueError:
        # Never stored (pacing would not understand it), nor quoted unless it is short.
        shown = f" “{tier}”" if _TIER_WORD.match(tier) else ""
        raise LimitsNotRead(
            f"WhatsApp answered a tier this version does not know{shown}; set the tier on "
            "the sender."
        ) from None
    rating = body.get("quality_rating")
    quality = rating if isinstance(rating, str) and _RATING.match(rating) else ""
    return tier, quality


def sender_limits_read(sender: Sender) -> None:
    """Read the tier and quality of a WhatsApp sender into it (other channels: nothing)."""
    if sender.channel != Sender.Channel.WHATSAPP:
        return
    try:
        tier, quality = _read(sender)
    except LimitsNotRead as exc:
        values: dict[str, object] = {"limits_error": str(exc)[:_ERROR_MAX_LENGTH]}
    else:
        values = {"limit_tier_read": tier, "quality_rating": quality, "limits_error": ""}
    values["limits_checked_at"] = timezone.now()
    Sender.objects.filter(
        pk=sender.pk,
        channel=sender.channel,
        phone_number_id=sender.phone_number_id,
        api_base_url=sender.api_base_url,
    ).update(**values)
    for field, value in values.items():
        setattr(sender, field, value)


def sender_limits_read_quietly(sender: Sender) -> None:
    """``sender_limits_read`` for hooks that must not fail (after a save, in a loop): a bug
    is logged, and the sender keeps what it had."""
    try:
        sender_limits_read(sender)
    except Exception:
        logger.exception("Reading the messaging limit of sender %s failed", sender.pk)


def sender_limits_stale(sender: Sender, max_age_seconds: float = MAX_AGE_SECONDS) -> bool:
    checked = sender.limits_checked_at
    return checked is None or timezone.now() - checked >= timedelta(seconds=max_age_seconds)


def sender_limits_refresh_if_stale(
    sender: Sender, max_age_seconds: float = MAX_AGE_SECONDS
) -> bool:
    """Read the tier if the last read is older than ``max_age_seconds``; True when it read.

    Call it outside any transaction: it waits on the Cloud API (up to the provider timeouts).
    """
    if sender.channel != Sender.Channel.WHATSAPP or not sender_limits_stale(
        sender, max_age_seconds
    ):
        return False
    sender_limits_read(sender)
    return True


def sender_limits_read_after_commit(sender: Sender) -> None:
    """Read once the sender's save is committed (a failure never undoes the save)."""
    if sender.channel == Sender.Channel.WHATSAPP:
        transaction.on_commit(lambda: sender_limits_read_quietly(sender))


def senders_limits_refresh_due(
    *, max_age_seconds: float = MAX_AGE_SECONDS - SCHEDULE_SLACK_SECONDS, limit: int = 500
) -> int:
    """Read every active WhatsApp sender whose last read is older than ``max_age_seconds``
    (never read first, then the oldest); the number of senders read."""
    cutoff = timezone.now() - timedelta(seconds=max_age_seconds)
    due = (
        Sender.objects.filter(channel=Sender.Channel.WHATSAPP, is_active=True)
        .filter(Q(limits_checked_at__isnull=True) | Q(limits_checked_at__lt=cutoff))
        .order_by(F("limits_checked_at").asc(nulls_first=True), "pk")[:limit]
    )
    count = 0
    for sender in due:
        sender_limits_read_quietly(sender)
        count += 1
    return count
