"""The click drain: hits the redirect buffered become ``clicked`` events, counted once.

The redirect (``delivery.redirect``) only buffers; this runs in the cluster (a Schedule every
minute, followed up every few seconds while clicks keep coming; ``delivery.tasks``). Each chunk
of hits is one transaction: read the hits, their links and their recipients (locked), decide
for each hit whether a person clicked (``delivery.user_agents``, ``HEAD``, a hit within
``CLICK_BOT_WINDOW_SECONDS`` of delivery) and whether it is the recipient's first click in the
campaign (``Recipient.clicked_at``) and on that link (``LinkClick``), then write the events
(``core.events``: the rollups follow), the first-click marks, the campaign's unique clickers,
and delete the hits. A hit is applied exactly once: it leaves the table in the transaction that
counts it, and a hit copied twice from Redis is one row (its ``hit_id`` is unique).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from campaigns.models import Campaign
from core.bulk import values_update
from core.events import EventType, NewEvent, events_record
from delivery.hit_writer import REDIS_KEY, HitRow, hit_rows_insert, redis_client
from delivery.models import ClickHit, LinkClick, Recipient, TrackedLink
from delivery.user_agents import agent_describe

logger = logging.getLogger(__name__)

LOCK_KEY = "campaigns:click-hits:lock"
LOCK_SECONDS = 60
_TRIM_IF_OWNER = (
    "if redis.call('get', KEYS[2]) == ARGV[1] then "
    "redis.call('ltrim', KEYS[1], ARGV[2], -1); "
    f"redis.call('expire', KEYS[2], {LOCK_SECONDS}); return 1 end return 0"
)
_RELEASE_IF_OWNER = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Codes proxies use for "unknown", "Tor", "anonymous proxy": no country.
_NOT_COUNTRIES = {"XX", "T1", "A1", "A2", "O1", "ZZ"}


@dataclass
class DrainResult:
    hits: int = 0
    clicks: int = 0  # human clicks
    unique: int = 0  # first human clicks of a recipient in a campaign
    bots: int = 0
    dropped: int = 0  # a hit whose link or recipient is gone


def clicks_drain(*, max_chunks: int | None = None) -> DrainResult:
    """Apply every buffered hit (``max_chunks`` chunks at most); answers what was counted."""
    total = DrainResult()
    if settings.REDIS_URL:
        try:
            hits_move_from_redis()
        except Exception:  # Redis down: what it holds waits; the table's hits are counted
            logger.exception("click drain: the hits in Redis could not be read")
    chunks = 0
    while max_chunks is None or chunks < max_chunks:
        part = _chunk_apply(int(settings.CLICK_DRAIN_CHUNK))
        chunks += 1
        for name in ("hits", "clicks", "unique", "bots", "dropped"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        if part.hits == 0:
            break
    return total


def hits_move_from_redis(*, limit: int = 50_000) -> int:
    """Copy the hits waiting in Redis into ``ClickHit`` rows, then trim what was copied.

    Copy first, trim after the rows are committed: a drain stopped in between copies the same
    hits again next time, and their unique ``hit_id`` keeps one row each. One mover at a time
    (a lock with an expiry, checked by the trim itself), so two drains never trim each other's
    hits.
    """
    client = redis_client()
    owner = uuid.uuid4().hex
    if not client.set(LOCK_KEY, owner, nx=True, ex=LOCK_SECONDS):
        return 0
    moved = 0
    try:
        chunk = int(settings.CLICK_DRAIN_CHUNK)
        while moved < limit:
            items = client.lrange(REDIS_KEY, 0, chunk - 1)
            if not items:
                break
            hit_rows_insert([row for row in (_hit_row(item) for item in items) if row])
            # Trim only while the lock is still ours (and keep it): a mover whose lock expired
            # must not trim hits another mover has read but not yet copied.
            if not client.eval(_TRIM_IF_OWNER, 2, REDIS_KEY, LOCK_KEY, owner, len(items)):
                logger.warning("click drain: lost the Redis lock; another drain moves the rest")
                return moved
            moved += len(items)
    finally:
        client.eval(_RELEASE_IF_OWNER, 1, LOCK_KEY, owner)
    return moved


def _hit_row(item: bytes) -> HitRow | None:
    try:
        data = json.loads(item)
        return (
            str(data["h"])[:32],
            int(data["l"]),
            int(data["r"]),
            str(data.get("t", ""))[:64],
            dt.datetime.fromtimestamp(float(data["at"]), tz=dt.UTC),
            str(data.get("m", "GET"))[:8],
            str(data.get("ua", ""))[:512],
            str(data.get("c", ""))[:2],
        )
    except (ValueError, KeyError, TypeError):
        logger.warning("click buffer: an unreadable hit was dropped: %r", item[:200])
        return None


def _country(value: str) -> str:
    value = (value or "").strip().upper()
    return value if _COUNTRY.match(value) and value not in _NOT_COUNTRIES else ""


class Hit(NamedTuple):
    """A buffered hit as the drain reads it (values, not model instances: a chunk is a
    thousand of them)."""

    pk: int
    link_id: int
    recipient_id: int
    at: dt.datetime
    method: str
    user_agent: str
    country: str


def bot_reason(hit: Hit, recipient: Recipient) -> str:
    """Why ``hit`` is not a person's click, or ""."""
    if hit.method.upper() == "HEAD":
        return "HEAD request"
    reason = agent_describe(hit.user_agent).bot_reason
    if reason:
        return reason
    reference = recipient.delivered_at or recipient.sent_at
    window = float(settings.CLICK_BOT_WINDOW_SECONDS)
    if reference is not None and abs((hit.at - reference).total_seconds()) < window:
        return "opened within seconds of delivery"
    return ""


def _locked(queryset: Any) -> Any:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


@transaction.atomic
def _chunk_apply(size: int) -> DrainResult:
    result = DrainResult()
    hits = [
        Hit(*row)
        for row in _locked(ClickHit.objects.order_by("id")).values_list(*Hit._fields)[:size]
    ]
    if not hits:
        return result
    result.hits = len(hits)
    links = {
        pk: (campaign_id, url)
        for pk, campaign_id, url in TrackedLink.objects.filter(
            pk__in={h.link_id for h in hits}
        ).values_list("pk", "campaign_id", "url")
    }
    recipients = {
        r.pk: r
        for r in Recipient.objects.select_for_update(of=("self",))
        .filter(pk__any_of=sorted({h.recipient_id for h in hits}))
        .select_related("contact")
        .only(
            "id",
            "account_id",
            "campaign_id",
            "contact_id",
            "clicked_at",
            "delivered_at",
            "sent_at",
            "contact__country",
        )
        .order_by("id")
    }
    seen_links = set(
        LinkClick.objects.filter(
            recipient_id__in=list(recipients), link_id__in=list(links)
        ).values_list("recipient_id", "link_id")
    )
    events: list[NewEvent] = []
    first_links: list[LinkClick] = []
    clicked: dict[int, Recipient] = {}
    unique_by_campaign: dict[int, int] = defaultdict(int)
    for hit in sorted(hits, key=lambda h: (h.at, h.pk)):
        recipient = recipients.get(hit.recipient_id)
        link = links.get(hit.link_id)
        if recipient is None or link is None or link[0] != recipient.campaign_id:
            result.dropped += 1
            continue
        agent = agent_describe(hit.user_agent)
        reason = bot_reason(hit, recipient)
        human = not reason
        unique = human and recipient.clicked_at is None
        link_unique = human and (recipient.pk, hit.link_id) not in seen_links
        if unique:
            recipient.clicked_at = hit.at
            clicked[recipient.pk] = recipient
            unique_by_campaign[recipient.campaign_id] += 1
        if link_unique:
            seen_links.add((recipient.pk, hit.link_id))
            first_links.append(
                LinkClick(link_id=hit.link_id, recipient_id=recipient.pk, clicked_at=hit.at)
            )
        if human:
            result.clicks += 1
        else:
            result.bots += 1
        result.unique += int(unique)
        events.append(
            NewEvent(
                account_id=recipient.account_id,
                campaign_id=recipient.campaign_id,
                recipient_id=recipient.pk,
                contact_id=recipient.contact_id,
                type=EventType.CLICKED,
                occurred_at=hit.at,
                data={
                    "link_id": hit.link_id,
                    "url": link[1],
                    "device": agent.device,
                    "os": agent.os,
                    "browser": agent.browser,
                    "country": _country(hit.country) or _country(recipient.contact.country),
                    "bot": not human,
                    "bot_reason": reason,
                    "unique": unique,
                    "link_unique": link_unique,
                    "method": hit.method.upper(),
                },
            )
        )
    events_record(events)
    if first_links:
        LinkClick.objects.bulk_create(first_links, ignore_conflicts=True)
    if clicked:
        values_update(Recipient, list(clicked.values()), ["clicked_at"])
    for campaign_id, n in unique_by_campaign.items():
        Campaign.objects.filter(pk=campaign_id).update(total_clicked=F("total_clicked") + n)
    ClickHit.objects.filter(pk__any_of=[h.pk for h in hits]).delete()
    return result


FOLLOW_KEY = "delivery:clicks-drain-follow"


def drain_follow_up() -> bool:
    """While clicks keep coming, drain again in a few seconds instead of at the next minute:
    one follow-up waiting at a time (a cache key marks it). Not when tasks run inline."""
    from django.core.cache import cache
    from django_q.tasks import async_task

    if settings.CAMPAIGNS_TASKS_SYNC or not cache.add(FOLLOW_KEY, 1, timeout=120):
        return False
    async_task("delivery.tasks.clicks_drain_follow", task_name="clicks-drain-follow")
    return True
