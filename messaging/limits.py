"""WhatsApp's messaging limit of a sender: how many unique users it may message per 24 h.

Meta gives every business number a tier (``messaging_limit_tier``: ``TIER_250``, ``TIER_1K``,
``TIER_10K``, ``TIER_100K``, ``TIER_UNLIMITED``; older and newer accounts also see ``TIER_50``
and ``TIER_2K``) and counts the unique users a number starts conversations with over a rolling
24 h. Past the limit, messages are refused, and a number that keeps trying loses quality.

The limit that applies, in order: what the operator set on the sender (``messaging_limit``),
what the Cloud API said when last asked (``limit_tier_read``), else
``WHATSAPP_MESSAGING_LIMIT_FALLBACK`` (Meta's starting tier). Only WhatsApp senders have one;
a sandbox sender has one only when the operator sets it (to try the pacing out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from messaging.models import TIER_CHOICES, Sender

TIERS = frozenset(key for key, _ in TIER_CHOICES if key)
_TIER = re.compile(r"^TIER_(\d+)(K?)$")


def tier_users(tier: str) -> int | None:
    """Unique users per 24 h of a tier name; ``None`` for unlimited. ``ValueError`` when the
    name is not a tier (any ``TIER_<n>`` or ``TIER_<n>K`` Meta may add is understood)."""
    if tier == "TIER_UNLIMITED":
        return None
    match = _TIER.match(tier or "")
    if not match:
        raise ValueError(f"not a messaging limit tier: {tier!r}")
    return int(match.group(1)) * (1000 if match.group(2) else 1)


@dataclass(frozen=True)
class MessagingLimit:
    """The limit that applies to a sender, and where it comes from (pages say so)."""

    users: int | None  # None: no limit
    tier: str  # "" when the channel has none
    source: str  # "sender" | "whatsapp" | "fallback" | "none"

    @property
    def limited(self) -> bool:
        return self.users is not None


NO_LIMIT = MessagingLimit(users=None, tier="", source="none")


def messaging_limit(sender: Sender | None) -> MessagingLimit:
    """The messaging limit that pacing honours for ``sender``."""
    channel = getattr(sender, "channel", "")
    if sender is None or channel not in ("whatsapp", "sandbox"):
        return NO_LIMIT
    for tier, source in (
        (sender.messaging_limit, "sender"),
        (sender.limit_tier_read if channel == "whatsapp" else "", "whatsapp"),
        (settings.WHATSAPP_MESSAGING_LIMIT_FALLBACK if channel == "whatsapp" else "", "fallback"),
    ):
        if not tier:
            continue
        try:
            return MessagingLimit(users=tier_users(tier), tier=tier, source=source)
        except ValueError:
            continue  # a stored value Meta no longer uses: the next source decides
    return NO_LIMIT


def pair_gap() -> float:
    """WhatsApp's pair rate: the least seconds between two messages from one number to one
    user (error 131056 when shorter)."""
    return float(settings.WHATSAPP_PAIR_GAP_SECONDS)


# --- what pages say -------------------------------------------------------------------------

# Where the limit that applies comes from (``MessagingLimit.source``), as pages say it.
SOURCE_TEXTS = {
    "sender": "as set on the sender",
    "whatsapp": "the tier WhatsApp reports for the number",
    "fallback": "assumed, since WhatsApp's tier could not be read: set it on the sender if "
    "WhatsApp cannot say",
}

TIER_LABELS = dict(TIER_CHOICES)
# Meta's quality rating of a number (how recipients received its recent messages), in words.
QUALITY_TEXTS = {
    "GREEN": "High quality.",
    "YELLOW": "Medium quality: recipients have been blocking or reporting its messages.",
    "RED": "Low quality: Meta may lower the tier. Send less, and only what people asked for.",
    "NA": "Not rated yet.",
    "UNKNOWN": "Not rated yet.",
}


def limit_label(limit: MessagingLimit) -> str:
    """``"1,000 unique users / 24 h"``; ``"Unlimited"``; ``""`` when the channel has none."""
    if not limit.tier:
        return ""
    if limit.users is None:
        return "Unlimited"
    return TIER_LABELS.get(limit.tier) or f"{limit.users:,} unique users / 24 h"


def tier_label(tier: str) -> str:
    """A tier name in words; ``""`` when it is not a tier."""
    try:
        users = tier_users(tier)
    except ValueError:
        return ""
    return limit_label(MessagingLimit(users=users, tier=tier, source="whatsapp"))


@dataclass(frozen=True)
class LimitsSummary:
    """What the senders pages show of a sender's limit: the one that applies and why."""

    limit: MessagingLimit
    label: str
    checked_at: object  # datetime | None: when WhatsApp was last asked
    error: str  # why the last read failed ("" when it did not)
    quality: str
    quality_text: str
    tier_read_label: str  # what WhatsApp said, when the operator's choice overrides it


def _sentence(text: str) -> str:
    text = (text or "").strip()
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."


def limits_summary(sender: Sender) -> LimitsSummary | None:
    """``None`` for a sender without a messaging limit (SMS, e-mail, an unset sandbox)."""
    limit = messaging_limit(sender)
    if limit is NO_LIMIT and getattr(sender, "channel", "") != "whatsapp":
        return None
    tier_read_label = tier_label(sender.limit_tier_read) if limit.source == "sender" else ""
    quality = sender.quality_rating if sender.channel == "whatsapp" else ""
    return LimitsSummary(
        limit=limit,
        label=limit_label(limit),
        checked_at=sender.limits_checked_at,
        error=_sentence(sender.limits_error) if sender.channel == "whatsapp" else "",
        quality=quality,
        quality_text=QUALITY_TEXTS.get(quality, f"Rated {quality} by Meta." if quality else ""),
        tier_read_label=tier_read_label,
    )
