"""From a running campaign to batch tasks, and the periodic work that keeps it honest.

The database is the source of truth: a recipient's status says where it is, a ``SendBatch``
groups a few hundred queued recipients under one task. django-q2's Redis broker has no
acknowledgements, so a task can vanish with a killed cluster; the sweeper re-enqueues any
batch that still has claimable recipients after a while, and turns expired claims into
``uncertain`` (never re-sent automatically: the message may have gone out).
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from campaigns import lifecycle, timing
from campaigns.models import Campaign
from campaigns.services import transitions
from campaigns.validation import type_problem
from delivery import pacing, schedules
from delivery.models import Recipient, SendBatch
from delivery.send import uncertain_mark
from delivery.states import CLAIMABLE, DUE, OPEN
from messaging.models import Sender

logger = logging.getLogger(__name__)

S = Recipient.Status


# Enqueueing -------------------------------------------------------------------------------


def _enqueue(func: str, *args: int, task_name: str) -> None:
    from django_q.tasks import async_task

    async_task(func, *args, task_name=task_name, sync=bool(settings.CAMPAIGNS_TASKS_SYNC))


def batch_enqueue(batch_id: int, attempt: int = 1) -> None:
    _enqueue("delivery.tasks.batch_send", batch_id, task_name=f"batch-{batch_id}-{attempt}")


def campaign_start(campaign_id: int) -> None:
    """Called after a campaign's move to running commits: prepare, then dispatch (a task)."""
    _enqueue(
        "delivery.tasks.campaign_prepare",
        campaign_id,
        task_name=f"campaign-{campaign_id}-prepare-{timezone.now():%Y%m%d%H%M%S}",
    )


def campaign_resumed(campaign_id: int) -> None:
    """After a resume commits: pick up exactly the recipients still waiting, nobody else."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.RUNNING:
        return
    if campaign.prepared_at is None:
        campaign_start(campaign_id)
        return
    batches_requeue(campaign_id=campaign_id, older_than=None)
    campaign_progress(campaign_id=campaign_id)


# Dispatch -----------------------------------------------------------------------------------


def _outstanding_limit(campaign: Campaign) -> int:
    """How many batches may wait in the broker at once (what a killed cluster can take with
    it): a few per worker, and no more than about half a minute of sending."""
    size = int(settings.CAMPAIGNS_BATCH_SIZE)
    most = int(settings.CAMPAIGNS_MAX_OUTSTANDING_BATCHES)
    sender = campaign.sender if campaign.sender_id else None
    rate = int(sender.rate_limit_per_second or 0) if sender is not None else 0
    if not rate:
        return most
    return min(most, max(2, math.ceil(rate * 30 / size)))


def claimable_batches(campaign_id: int) -> QuerySet[SendBatch]:
    """The campaign's batches that still hold a recipient a task may claim: what the
    dispatcher counts as outstanding, and what an inline run (tests, the demo) works off."""
    claimable = Recipient.objects.filter(batch=OuterRef("pk"), status__in=CLAIMABLE)
    return SendBatch.objects.filter(campaign_id=campaign_id).filter(Exists(claimable))


def dispatch_due(*, campaign_id: int, now: datetime | None = None) -> int:
    """Group due recipients into batches and enqueue them; returns how many were queued.

    Under a WhatsApp messaging limit (``pacing``) only the recipients the sender's rolling
    24 h window has room for are queued, with the sender row locked so that two campaigns of
    one number never spend the same room; the rest wait as ``pending`` for the next tick.
    """
    campaign = Campaign.objects.select_related("sender").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.RUNNING or type_problem(campaign):
        return 0
    now = now or timezone.now()
    room = _outstanding_limit(campaign) - (
        SendBatch.objects.filter(campaign_id=campaign_id)
        .exclude(status=SendBatch.Status.DONE)
        .count()
    )
    if room <= 0:
        return 0
    limit = pacing.limit_for(campaign)
    sender_id = campaign.sender_id
    if not limit.limited or sender_id is None:  # no sender, no limit (``limit_for``)
        return _dispatch(campaign_id, now=now, batches=room, users=None)
    with transaction.atomic():
        Sender.objects.select_for_update().filter(pk=sender_id).first()
        users = pacing.Room(limit, sender_id, now)
        return _dispatch(campaign_id, now=now, batches=room, users=users)


def _dispatch(campaign_id: int, *, now: datetime, batches: int, users: pacing.Room | None) -> int:
    size = int(settings.CAMPAIGNS_BATCH_SIZE)
    queued = 0
    last_id = 0
    while batches > 0:
        with transaction.atomic():
            candidates = list(
                Recipient.objects.filter(campaign_id=campaign_id, status__in=DUE, id__gt=last_id)
                .filter(Q(send_at__isnull=True) | Q(send_at__lte=now))
                .order_by("id")
                .values_list("id", "contact_id")[:size]
            )
            if not candidates:
                break
            last_id = candidates[-1][0]
            ids = users.admit(candidates) if users is not None else [c[0] for c in candidates]
            if not ids:
                break
            batch = SendBatch.objects.create(
                campaign_id=campaign_id, size=len(ids), enqueued_at=now, enqueue_count=1
            )
            taken = Recipient.objects.filter(id__in=ids, status__in=DUE).update(
                status=S.QUEUED, batch=batch
            )
            if not taken:  # another dispatcher was faster
                batch.delete()
                continue
            transaction.on_commit(partial(batch_enqueue, batch.pk))
        queued += taken
        batches -= 1
    return queued


def batches_requeue(*, campaign_id: int | None = None, older_than: datetime | None = None) -> int:
    """Enqueue again the batches that still hold claimable recipients (lost tasks, resume)."""
    qs = SendBatch.objects.filter(campaign__status=Campaign.Status.RUNNING).exclude(
        status=SendBatch.Status.DONE
    )
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    if older_than is not None:
        qs = qs.filter(enqueued_at__lt=older_than)
    claimable = Recipient.objects.filter(batch=OuterRef("pk"), status__in=CLAIMABLE)
    batches = list(qs.filter(Exists(claimable)).values_list("pk", "enqueue_count"))
    now = timezone.now()
    for batch_id, count in batches:
        SendBatch.objects.filter(pk=batch_id).update(enqueued_at=now, enqueue_count=count + 1)
        transaction.on_commit(partial(batch_enqueue, batch_id, count + 1))
    return len(batches)


def batches_close() -> int:
    """Batches with nothing left to claim or send (e.g. all uncertain after a crash) are done,
    so they stop counting against the campaign's outstanding-batch room."""
    busy = Recipient.objects.filter(batch=OuterRef("pk"), status__in=(*CLAIMABLE, S.SENDING))
    return (
        SendBatch.objects.exclude(status=SendBatch.Status.DONE)
        .exclude(Exists(busy))
        .update(status=SendBatch.Status.DONE, finished_at=timezone.now())
    )


# Finish -------------------------------------------------------------------------------------


def campaign_finish_if_done(*, campaign_id: int) -> bool:
    """Complete a running campaign with nothing left to send, or schedule its next run."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if (
        campaign is None
        or campaign.status != Campaign.Status.RUNNING
        or campaign.prepared_at is None
        or Recipient.objects.filter(campaign_id=campaign_id, status__in=OPEN).exists()
    ):
        return False
    SendBatch.objects.filter(campaign_id=campaign_id).exclude(status=SendBatch.Status.DONE).update(
        status=SendBatch.Status.DONE, finished_at=timezone.now()
    )
    upcoming = timing.next_run_at(campaign, after=timezone.now())
    if upcoming is not None:
        schedules.run_schedule_set(campaign=campaign, at=upcoming)
        return False
    try:
        # An audience emptied between publish and start completes at once: say why.
        reason = "" if campaign.total_recipients else "Nobody was in the audience when it started."
        transitions.campaign_complete(campaign=campaign, reason=reason)
    except lifecycle.TransitionError:
        return False
    return True


def campaign_progress(*, campaign_id: int) -> None:
    """After a batch: keep the pipeline full, and finish the campaign when it is all done."""
    if dispatch_due(campaign_id=campaign_id) == 0:
        campaign_finish_if_done(campaign_id=campaign_id)


def run_reset(*, campaign_id: int) -> None:
    """Before a recurring broadcast's next run: clear the last run's recipients and batches.

    Events keep the history of earlier runs; the recipient rows are the current run.
    """
    from analytics.models import Event

    Event.objects.filter(campaign_id=campaign_id, recipient__isnull=False).update(recipient=None)
    Recipient.objects.filter(campaign_id=campaign_id).delete()
    SendBatch.objects.filter(campaign_id=campaign_id).delete()
    Campaign.objects.filter(pk=campaign_id).update(prepared_at=None)


# Periodic tasks ---------------------------------------------------------------------------


def tick(*, now: datetime | None = None) -> int:
    """Every minute: dispatch what came due (local times, retries) for running campaigns."""
    now = now or timezone.now()
    total = 0
    stale_prepare = now - timedelta(seconds=int(settings.CAMPAIGNS_BATCH_STALE_SECONDS))
    for campaign_id, prepared_at, updated_at in Campaign.objects.filter(
        status=Campaign.Status.RUNNING
    ).values_list("pk", "prepared_at", "updated_at"):
        if prepared_at is None:
            if updated_at < stale_prepare:  # its prepare task was lost
                campaign_start(campaign_id)
            continue
        total += dispatch_due(campaign_id=campaign_id, now=now)
    return total


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Every minute: expired claims → uncertain, lost batches → re-enqueued, done → complete."""
    now = now or timezone.now()
    uncertain = uncertain_mark(now=now)
    stale = now - timedelta(seconds=int(settings.CAMPAIGNS_BATCH_STALE_SECONDS))
    with transaction.atomic():
        requeued = batches_requeue(older_than=stale)
    batches_close()
    completed = 0
    for campaign_id in Campaign.objects.filter(status=Campaign.Status.RUNNING).values_list(
        "pk", flat=True
    ):
        dispatch_due(campaign_id=campaign_id, now=now)
        completed += campaign_finish_if_done(campaign_id=campaign_id)
    if uncertain or requeued:
        logger.warning("sweeper: %s uncertain, %s batches re-enqueued", uncertain, requeued)
    return {"uncertain": uncertain, "requeued": requeued, "completed": completed}
