"""One batch task's work: claim recipients, render, send through the adapter, write results.

Every write is set-based (one UPDATE for the claim, ``values_update`` for results, one F()
bump of the counters and a handful of upserts of the error log per chunk), so the cost per
recipient is rendering and the provider's round trip, never a query.

The claim is the only way a recipient reaches the provider: it moves rows from ``queued`` /
``retry_scheduled`` to ``sending`` with a lease and a claim token in one conditional UPDATE,
so two workers (or a re-enqueued duplicate task) can never both take the same recipient.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from audience.services.email_consent import contacts_email_bounced_mark
from campaigns import lifecycle
from campaigns.models import Campaign, Variant
from campaigns.services.personalization import message_builder, messages_build_and_send
from core.bulk import values_update
from core.events import EventType, NewEvent, events_record
from delivery import pacing
from delivery.errorlog import errors_record
from delivery.links import link_tracker
from delivery.models import Recipient, SendBatch
from delivery.pause import campaign_pause
from delivery.states import CLAIMABLE
from messaging.models import Sender
from messaging.providers.base import OutboundMessage, ProviderAdapter, ProviderResult
from templates_app.builder import MessageBuilder

logger = logging.getLogger(__name__)

S = Recipient.Status
RESULT_FIELDS = [
    "status",
    "batch",
    "attempts",
    "lease_until",
    "provider_message_id",
    "sent_at",
    "failed_at",
    "send_at",
    "error_code",
    "error_title",
    "error_message",
]


def lease_seconds() -> int:
    return int(settings.CAMPAIGNS_LEASE_SECONDS)


def backoff_delay(attempt: int, *, rng: random.Random | None = None) -> float:
    """Full jitter: uniform(0, min(cap, base * 2 ** (attempt - 1)))."""
    base = float(settings.CAMPAIGNS_RETRY_BASE_SECONDS)
    cap = float(settings.CAMPAIGNS_RETRY_CAP_SECONDS)
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    return (rng or random).uniform(0, ceiling)


# Claim ------------------------------------------------------------------------------------


def recipients_claim(*, batch_id: int, limit: int | None = None) -> list[Recipient]:
    """Atomically take the batch's claimable recipients; returns them with their contacts."""
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        candidates = Recipient.objects.filter(batch_id=batch_id, status__in=CLAIMABLE)
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ids = list(candidates.order_by("id").values_list("id", flat=True)[:limit])
        if not ids:
            return []
        Recipient.objects.filter(id__in=ids, status__in=CLAIMABLE).update(
            status=S.SENDING,
            claim_token=token,
            lease_until=now + dt.timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
        )
    return list(
        Recipient.objects.filter(batch_id=batch_id, status=S.SENDING, claim_token=token)
        .select_related("contact")
        .order_by("id")
    )


# Rendering --------------------------------------------------------------------------------


class Renderer:
    """Builds each message shape (the campaign's, or a variant's) once per batch, then every
    recipient against it: no query per recipient (their contacts come with the claim). Each
    shape has its link tracker (``delivery.links``), which knows the shape's tracked links."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self._builders: dict[int | None, MessageBuilder] = {}

    def _builder_for(self, variant_id: int | None) -> MessageBuilder:
        if variant_id not in self._builders:
            message = None
            if variant_id is not None:
                variant = Variant.objects.filter(pk=variant_id).first()
                message = variant.message if variant and isinstance(variant.message, dict) else {}
            tracker = link_tracker(self.campaign, variant_id)
            self._builders[variant_id] = message_builder(self.campaign, message, tracker=tracker)
        return self._builders[variant_id]

    def render(self, recipient: Recipient) -> OutboundMessage:
        """The recipient's message; ``ValidationFailed`` when it cannot be made for them."""
        from messaging.statuses import CALLBACK_PREFIX

        return self._builder_for(recipient.variant_id).build(
            recipient.contact,
            recipient_id=recipient.pk,
            callback_data=f"{CALLBACK_PREFIX}{recipient.pk}",
        )

    def send_many(
        self, adapter: ProviderAdapter, recipients: list[Recipient]
    ) -> list[ProviderResult]:
        """Build and send; a message that cannot be built fails its recipient at once."""
        return [r for _, r in messages_build_and_send(adapter, recipients, self.render)]


# Results ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    sent: list[Recipient] = field(default_factory=list)
    failed: list[Recipient] = field(default_factory=list)
    retry_later: list[Recipient] = field(default_factory=list)
    retry_now: list[tuple[float, Recipient]] = field(default_factory=list)
    unsent: list[Recipient] = field(default_factory=list)
    # Failed because the address itself was refused (a hard e-mail bounce).
    bounced: list[Recipient] = field(default_factory=list)
    # Error type → (how many, the latest message), as the error log takes them.
    errors: dict[str, tuple[int, str]] = field(default_factory=dict)
    # The first account-level refusal of the chunk: the campaign pauses on it.
    account_error: ProviderResult | None = None


def _error_type(result: ProviderResult) -> str:
    if result.account_error:
        return result.account_error[:64]
    if result.throttled:
        return "throttled"
    return (result.error_code or ("transient" if result.transient else "permanent"))[:64]


def results_classify(
    pairs: list[tuple[Recipient, ProviderResult]],
    *,
    now: dt.datetime,
    rng: random.Random | None = None,
) -> Outcome:
    """What each provider answer means for its recipient (no writes here)."""
    out = Outcome()
    max_attempts = int(settings.CAMPAIGNS_MAX_ATTEMPTS)
    inline = float(settings.CAMPAIGNS_RETRY_INLINE_SECONDS)
    for recipient, result in pairs:
        if result.ok:
            recipient.status = S.SENT
            recipient.provider_message_id = (result.provider_message_id or "")[:128]
            recipient.sent_at = now
            recipient.lease_until = None
            recipient.error_code = recipient.error_title = recipient.error_message = ""
            out.sent.append(recipient)
            continue
        kind = _error_type(result)
        message = (result.error_message or result.error_code or kind)[:500]
        count, _ = out.errors.get(kind, (0, ""))
        out.errors[kind] = (count + 1, message)
        recipient.error_code = (result.error_code or kind)[:32]
        recipient.error_title = (result.error_title or "")[:200]
        recipient.error_message = message
        if result.account_error:
            # Not this recipient's fault: it stays claimable and goes out on resume.
            out.account_error = out.account_error or result
            out.unsent.append(recipient)
        elif result.transient and recipient.attempts < max_attempts:
            delay = backoff_delay(recipient.attempts, rng=rng)
            if result.retry_after:
                delay = max(delay, float(result.retry_after))
            if delay <= inline:
                out.retry_now.append((time.monotonic() + delay, recipient))
            else:
                recipient.status = S.RETRY_SCHEDULED
                recipient.batch = None  # the dispatcher puts it in a new batch when due
                recipient.send_at = now + dt.timedelta(seconds=delay)
                recipient.lease_until = None
                out.retry_later.append(recipient)
        else:
            if result.transient:
                recipient.error_message = (
                    f"Gave up after {recipient.attempts} attempts: {message}"
                )[:500]
            recipient.status = S.FAILED
            recipient.failed_at = now
            recipient.lease_until = None
            out.failed.append(recipient)
            if result.bounced:
                out.bounced.append(recipient)
    if out.account_error is not None:
        # Nothing more goes out on a refused account: retries wait for the resume.
        out.unsent.extend(r for _, r in out.retry_now)
        out.retry_now = []
    return out


def _sent_write(rows: list[Recipient], now: dt.datetime) -> None:
    """Mark ``rows`` sent with their provider ids: the one write every message pays for.

    PostgreSQL: one ``UPDATE … FROM (VALUES …)`` guarded by the status. Elsewhere: the two
    varying columns through ``values_update``, then one constant UPDATE of the rows still
    ``sending``.
    """
    sending = Recipient.objects.filter(status=S.SENDING)
    if connection.vendor == "postgresql":
        table = Recipient._meta.db_table
        values = ", ".join(["(%s::bigint, %s::varchar, %s::smallint)"] * len(rows))
        params: list[int | str] = []
        for r in rows:
            params += [r.pk, r.provider_message_id, r.attempts]
        sql = (
            f'UPDATE "{table}" AS r SET status = %s, provider_message_id = v.pmid, '
            "attempts = v.attempts, sent_at = %s, lease_until = NULL, error_code = '', "
            f"error_title = '', error_message = '' FROM (VALUES {values}) AS v(id, pmid, attempts) "
            "WHERE r.id = v.id AND r.status = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [S.SENT.value, now, *params, S.SENDING.value])
        return
    values_update(Recipient, rows, ["provider_message_id", "attempts"], where={"status": S.SENDING})
    sending.filter(pk__in=[r.pk for r in rows]).update(
        status=S.SENT,
        sent_at=now,
        lease_until=None,
        error_code="",
        error_title="",
        error_message="",
    )


def _result_events(campaign: Campaign, outcome: Outcome, now: dt.datetime) -> list[NewEvent]:
    """A ``sent`` event per sent recipient and a ``failed`` one per failed recipient."""
    sent = [
        NewEvent(
            account_id=campaign.account_id,
            campaign_id=campaign.pk,
            recipient_id=r.pk,
            contact_id=r.contact_id,
            type=EventType.SENT,
            occurred_at=now,
            data={"providerMessageId": r.provider_message_id, "attempt": r.attempts},
        )
        for r in outcome.sent
    ]
    failed = [
        NewEvent(
            account_id=campaign.account_id,
            campaign_id=campaign.pk,
            recipient_id=r.pk,
            contact_id=r.contact_id,
            type=EventType.FAILED,
            occurred_at=now,
            data={
                "code": r.error_code,
                "title": r.error_title,
                "message": r.error_message,
                "attempt": r.attempts,
            },
        )
        for r in outcome.failed
    ]
    return sent + failed


def results_write(*, campaign: Campaign, outcome: Outcome, now: dt.datetime) -> None:
    """Persist one chunk's outcome: recipients, counters, events, error log."""
    for recipient in outcome.unsent:
        recipient.status = S.QUEUED
        recipient.lease_until = None
        recipient.attempts = max(0, recipient.attempts - 1)
    rows = outcome.failed + outcome.retry_later + outcome.unsent
    with transaction.atomic():
        if outcome.sent:
            _sent_write(outcome.sent, now)
        if rows:
            # Only rows still ours: a status webhook may already have moved one further on.
            values_update(Recipient, rows, RESULT_FIELDS, where={"status": S.SENDING})
        if outcome.sent or outcome.failed:
            Campaign.objects.filter(pk=campaign.pk).update(
                total_sent=F("total_sent") + len(outcome.sent),
                total_failed=F("total_failed") + len(outcome.failed),
            )
        events_record(_result_events(campaign, outcome, now))
        if outcome.errors:
            errors_record(campaign_id=campaign.pk, errors=outcome.errors, at=now)
        if outcome.bounced:
            contacts_email_bounced_mark(
                bounces=[(r.contact_id, r.error_message) for r in outcome.bounced], at=now
            )


def _leases_extend(recipients: list[Recipient]) -> None:
    Recipient.objects.filter(pk__in=[r.pk for r in recipients], status=S.SENDING).update(
        lease_until=timezone.now() + dt.timedelta(seconds=lease_seconds())
    )


# The batch --------------------------------------------------------------------------------


def _sender(campaign: Campaign) -> Sender:
    """A sending campaign's sender: publish refuses a campaign without one (``type_problem``)
    and a sender in use cannot be deleted."""
    if campaign.sender is None:
        raise ValueError(f"Campaign {campaign.pk} has no sender to send through.")
    return campaign.sender


def _campaign_running(campaign_id: int) -> bool:
    return Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.RUNNING).exists()


def account_pause_reason(campaign: Campaign, result: ProviderResult) -> str:
    """Why the campaign paused, for the marketer: which sender, what is wrong in plain words
    and what to do, then the provider's own code and text for its support."""
    from messaging.providers.problems import account_problem

    sender = _sender(campaign)
    number = sender.display_phone_number or sender.from_address or sender.phone_number_id
    provider_said = (
        ": ".join(part for part in (result.error_title, result.error_message) if part)
        or "no explanation"
    )
    if result.error_title and result.error_message.startswith(result.error_title):
        provider_said = result.error_message
    return (
        f"Paused because sender “{sender.name}” ({number}) cannot send: "
        f"{account_problem(result.account_error, sender.channel)} "
        f"(The provider answered {result.error_code or 'an error'}: {provider_said})"
    )[:500]


def _account_pause(campaign: Campaign, result: ProviderResult) -> None:
    reason = account_pause_reason(campaign, result)
    try:
        campaign_pause(campaign=Campaign.objects.get(pk=campaign.pk), reason=reason)
    except lifecycle.TransitionError:
        logger.info("campaign %s already left running; not pausing again", campaign.pk)


def batch_send(*, batch_id: int) -> int:
    """Send one batch; returns how many recipients were sent. Safe to run twice."""
    from messaging.providers.registry import get_adapter

    batch = SendBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return 0
    campaign = (
        Campaign.objects.select_related("sender", "template").filter(pk=batch.campaign_id).first()
    )
    if campaign is None or campaign.status != Campaign.Status.RUNNING:
        return 0  # paused or over: recipients stay queued; resume re-enqueues the batch
    SendBatch.objects.filter(pk=batch_id).update(
        status=SendBatch.Status.RUNNING, started_at=timezone.now()
    )
    adapter = get_adapter(_sender(campaign))
    try:
        sent = _send_batch(campaign, adapter, batch_id)
    finally:
        adapter.close()
    if not Recipient.objects.filter(batch_id=batch_id, status__in=CLAIMABLE).exists():
        SendBatch.objects.filter(pk=batch_id).update(
            status=SendBatch.Status.DONE, finished_at=timezone.now()
        )
    return sent


def _chunk_size(campaign: Campaign) -> int:
    rate = int(_sender(campaign).rate_limit_per_second or 0)
    size = int(settings.CAMPAIGNS_SEND_CHUNK)
    return max(1, min(size, rate or size))


def _send_batch(campaign: Campaign, adapter: ProviderAdapter, batch_id: int) -> int:
    """Claim a chunk, send it, write its results; again until the batch is empty.

    Claiming one chunk at a time (about a second of sending with a rate limit) means a killed
    worker leaves at most one chunk uncertain, and the rest of its batch is still ``queued``
    for the sweeper to hand to another worker. Retries due within seconds stay claimed here.
    """
    renderer = Renderer(campaign)
    chunk = _chunk_size(campaign)
    waiting: list[tuple[float, Recipient]] = []
    sent = 0
    leased_at = time.monotonic()
    while True:
        if waiting and time.monotonic() - leased_at > lease_seconds() / 3:
            _leases_extend([r for _, r in waiting])  # still alive: keep what we hold
            leased_at = time.monotonic()
        if not _campaign_running(campaign.pk):
            # Paused or cancelled: retries we hold go back to the queue.
            outcome = Outcome(unsent=[r for _, r in waiting])
            results_write(campaign=campaign, outcome=outcome, now=timezone.now())
            return sent
        now_mono = time.monotonic()
        part = [r for t, r in waiting if t <= now_mono][:chunk]
        taken = {r.pk for r in part}
        waiting = [(t, r) for t, r in waiting if r.pk not in taken]
        if part:
            for r in part:
                r.attempts += 1
            Recipient.objects.filter(pk__in=taken, status=S.SENDING).update(
                attempts=F("attempts") + 1
            )
        if len(part) < chunk:
            part += recipients_claim(batch_id=batch_id, limit=chunk - len(part))
        part, held = _pair_hold(campaign, part)
        waiting.extend(held)
        if not part:
            if not waiting:
                return sent
            time.sleep(max(0.0, min(t for t, _ in waiting) - time.monotonic()))
            continue
        results = renderer.send_many(adapter, part)
        now = timezone.now()
        outcome = results_classify(list(zip(part, results, strict=True)), now=now)
        if outcome.account_error is not None:
            outcome.unsent.extend(r for _, r in waiting)
            waiting = []
        results_write(campaign=campaign, outcome=outcome, now=now)
        sent += len(outcome.sent)
        waiting.extend(outcome.retry_now)
        if outcome.account_error is not None:
            _account_pause(campaign, outcome.account_error)
            return sent


def _pair_hold(
    campaign: Campaign, part: list[Recipient]
) -> tuple[list[Recipient], list[tuple[float, Recipient]]]:
    """Split off the recipients whose contact the sender messaged a moment ago (WhatsApp's pair
    rate): they wait in the batch until their gap has passed, this attempt not counted."""
    holds = pacing.pair_holds(campaign, part, now=timezone.now())
    if not holds:
        return part, []
    held = [r for r in part if r.pk in holds]
    for r in held:
        r.attempts = max(0, r.attempts - 1)
    Recipient.objects.filter(pk__in=[r.pk for r in held], status=S.SENDING).update(
        attempts=F("attempts") - 1
    )
    due = time.monotonic()
    return (
        [r for r in part if r.pk not in holds],
        [(due + holds[r.pk], r) for r in held],
    )


def uncertain_mark(*, now: dt.datetime | None = None) -> int:
    """Recipients whose claim expired (their worker died): maybe sent, so never re-sent."""
    now = now or timezone.now()
    live = Campaign.objects.filter(
        status__in=[Campaign.Status.RUNNING, Campaign.Status.PAUSED, Campaign.Status.COMPLETED]
    ).values("pk")
    return Recipient.objects.filter(
        Q(campaign_id__in=live) & Q(status=S.SENDING) & Q(lease_until__lt=now)
    ).update(
        status=S.UNCERTAIN,
        error_code="lease_expired",
        error_message="The worker stopped while sending; the message may have gone out.",
        lease_until=None,
    )
