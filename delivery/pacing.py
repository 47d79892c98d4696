"""WhatsApp's two limits that a per-second rate cannot see: the messaging limit and the pair rate.

**Messaging limit.** A number may message so many unique users per rolling 24 h
(``messaging.limits``). The ledger is the recipients table itself: a contact counts from the
moment the dispatcher hands it to a batch (``queued``, ``sending``) and for 24 h after its
``sent_at``, across every campaign of the sender. Contacts already in the window are free; new
ones are admitted while there is room, under a lock on the sender row so two campaigns never
spend the same room. What finds no room stays ``pending``: the every-minute tick admits it as
the window frees up, so a campaign larger than the room spreads over the following days. The
review step and the campaign's page say so, with ``forecast``'s estimate.

**Pair rate.** About one message every 6 s from a number to one user (error 131056). A
broadcast messages each contact once, so only another campaign of the same sender can collide
with it; a journey also with its own earlier steps. ``pair_holds`` returns, for the recipients
of a chunk, when each may be messaged, and the batch sends those later instead of burning a
request on the refusal.

Neither costs a query on a sender without a limit, nor when the sender runs one broadcast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign
from delivery.models import Recipient
from delivery.states import IN_FLIGHT
from messaging.limits import NO_LIMIT, SOURCE_TEXTS, MessagingLimit, messaging_limit, pair_gap
from messaging.models import Sender
from messaging.services.limits import sender_limits_refresh_if_stale

S = Recipient.Status
WINDOW = timedelta(hours=24)
# Admitted to a batch but not yet sent: the room is already theirs.
PAIR_RATE_CHANNELS = ("whatsapp", "sandbox")


def _sender_campaign_ids(
    sender_id: int, *, since: datetime, exclude: int | None = None
) -> QuerySet[Campaign, Any]:
    """Campaigns of the sender that may hold recipients sent after ``since``."""
    qs = Campaign.objects.filter(sender_id=sender_id).filter(
        # A campaign's end (completed, cancelled) saves its updated_at; counters move by
        # UPDATE without touching it, so updated_at ≥ the last send of an ended campaign.
        Q(status__in=(Campaign.Status.RUNNING, Campaign.Status.PAUSED)) | Q(updated_at__gte=since)
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.values("pk")


def _window(sender_id: int, now: datetime) -> QuerySet[Recipient]:
    """Recipients that count against the sender's messaging limit at ``now``."""
    since = now - WINDOW
    return Recipient.objects.filter(
        campaign_id__in=_sender_campaign_ids(sender_id, since=since)
    ).filter(Q(sent_at__gt=since) | Q(status__in=IN_FLIGHT))


def window_users(sender_id: int, now: datetime) -> int:
    """Unique users of the sender's rolling 24 h window."""
    return _window(sender_id, now).values("contact_id").distinct().count()


# Admission (the dispatcher) -------------------------------------------------------------


class Room:
    """The room one dispatch has under the sender's limit; ``None`` limit: no bookkeeping."""

    def __init__(self, limit: MessagingLimit, sender_id: int | None, now: datetime) -> None:
        self.limit = limit
        self.sender_id = sender_id
        self.now = now
        self.left: int | None = None
        if limit.users is not None and sender_id is not None:
            self.left = max(0, limit.users - window_users(sender_id, now))

    def admit(self, candidates: list[tuple[int, int]]) -> list[int]:
        """The ids, of ``(recipient id, contact id)`` in order, that may go now: contacts
        already in the window, and new ones while room is left."""
        if self.left is None or self.sender_id is None:
            return [rid for rid, _ in candidates]
        known = set(
            _window(self.sender_id, self.now)
            .filter(contact_id__in=[cid for _, cid in candidates])
            .values_list("contact_id", flat=True)
        )
        admitted: list[int] = []
        for rid, cid in candidates:
            if cid in known:
                admitted.append(rid)
            elif self.left > 0:
                admitted.append(rid)
                known.add(cid)
                self.left -= 1
        return admitted


def limit_refresh(campaign_id: int) -> None:
    """Before a campaign's prepare (outside any transaction): read its WhatsApp number's tier
    again if the last read is over an hour old and the operator has not set one."""
    sender = Sender.objects.filter(campaigns__pk=campaign_id).first()
    if sender is not None and not sender.messaging_limit:
        sender_limits_refresh_if_stale(sender)


def limit_for(campaign: Campaign) -> MessagingLimit:
    return messaging_limit(campaign.sender) if campaign.sender_id else NO_LIMIT


# Forecast (review step, campaign page) ----------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """How a send of ``to_send`` new users fits the sender's messaging limit."""

    limit: MessagingLimit
    to_send: int
    room_now: int
    # When the last of them can go, if it does not fit now; None when it fits.
    finish_by: datetime | None

    @property
    def spread(self) -> bool:
        return self.finish_by is not None

    @property
    def later(self) -> int:
        return max(0, self.to_send - self.room_now)

    @property
    def source_words(self) -> str:
        return SOURCE_TEXTS.get(self.limit.source, "")


def forecast(
    sender: Sender | None, to_send: int, *, now: datetime | None = None
) -> Forecast | None:
    """``None`` when the sender has no messaging limit.

    The window frees each user 24 h after their message, oldest first, so the j-th message
    beyond today's room goes when the j-th slot of the full window frees, one cycle of 24 h
    later for every ``limit`` users. The per-second rate is left out: minutes, not days.
    """
    if sender is None:
        return None
    limit = messaging_limit(sender)
    if limit.users is None:
        return None
    now = now or timezone.now()
    used = window_users(sender.pk, now)
    room_now = max(0, limit.users - used)
    if to_send <= room_now:
        return Forecast(limit=limit, to_send=to_send, room_now=room_now, finish_by=None)
    last = to_send - room_now - 1  # index of the last message beyond today's room
    cycle, index = divmod(last, limit.users)
    oldest = (
        _window(sender.pk, now)
        .filter(sent_at__isnull=False)
        .values("contact_id")
        .annotate(at=Max("sent_at"))
        .order_by("at")
        .values_list("at", flat=True)
    )
    freed_from = oldest[index : index + 1].first() if index < used else None
    finish_by = (freed_from or now) + WINDOW * (cycle + 1)
    return Forecast(limit=limit, to_send=to_send, room_now=room_now, finish_by=finish_by)


def campaign_waiting(campaign: Campaign, *, now: datetime | None = None) -> Forecast | None:
    """For a running campaign held back by its sender's limit: what is left, and when it ends."""
    if campaign.status != Campaign.Status.RUNNING or not limit_for(campaign).limited:
        return None
    now = now or timezone.now()
    waiting = Recipient.objects.filter(
        campaign_id=campaign.pk, status__in=(S.PENDING, S.RETRY_SCHEDULED)
    ).filter(Q(send_at__isnull=True) | Q(send_at__lte=now))
    count = waiting.count()
    if not count:
        return None
    result = forecast(campaign.sender, count, now=now)
    return result if result is not None and result.spread else None


# Pair rate (the batch) ----------------------------------------------------------------------


def pair_holds(
    campaign: Campaign, chunk: Sequence[Recipient], *, now: datetime
) -> dict[int, float]:
    """Recipients of this chunk whose contact the sender messaged less than the pair gap ago
    (or is messaging now, in another campaign), by id, with how many seconds to wait.

    A broadcast messages each contact once, so only another campaign of the sender collides
    with it. A journey messages a contact once per step: for its recipients (``enrollment_id``
    set) the campaign's own messages sent within the gap count too, and a contact's second
    message in the chunk waits for its first. Its own messages in flight do not count: a
    journey hands over a contact's next step once the last one settled, and a batch's own held
    rows would otherwise hold each other in turn.
    """
    sender = campaign.sender if campaign.sender_id else None
    if sender is None or sender.channel not in PAIR_RATE_CHANNELS or not chunk:
        return {}
    gap = pair_gap()
    since = now - timedelta(seconds=gap)
    steps = any(r.enrollment_id is not None for r in chunk)
    others = list(
        _sender_campaign_ids(sender.pk, since=since, exclude=campaign.pk).values_list(
            "pk", flat=True
        )
    )
    if not others and not steps:
        return {}
    recent = Q(campaign_id__in=others) & (Q(sent_at__gt=since) | Q(status=S.SENDING))
    if steps:
        recent |= Q(campaign_id=campaign.pk, sent_at__gt=since)
    rows = (
        Recipient.objects.filter(recent, contact_id__in={r.contact_id for r in chunk})
        .values("contact_id")
        .annotate(last=Max("sent_at"))
    )
    by_contact: dict[int, float] = {}
    for row in rows:
        last = row["last"] if row["last"] and row["last"] > since else now
        by_contact[row["contact_id"]] = max(0.0, (last - now).total_seconds() + gap)
    holds: dict[int, float] = {}
    seen: set[int] = set()
    for r in chunk:
        wait = by_contact.get(r.contact_id, 0.0)
        if r.contact_id in seen:
            wait = max(wait, gap)  # never for a broadcast: one recipient per contact
        seen.add(r.contact_id)
        if wait > 0:
            holds[r.pk] = wait
    return holds
