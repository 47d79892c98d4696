"""The one guard for every send: each path that can make a campaign's messages leave comes here.

Publish, send now, the API's schedule, resume, the pages' and the admin's actions, a start
``Schedule`` firing and a recurring broadcast's next run all call this module, and every one
of them passes ``send_check`` first: the lifecycle table (which remembers what a pause came
from) and the same ``validate_campaign`` the wizard's review and ``POST …/validate`` show. Only
after both pass is the pipeline started; the pipeline itself then sends to the recipients that
``recipients_materialise`` inserts from the campaign's audience, and to nobody else.

A campaign whose start comes while it can no longer be sent (its sender was disabled, its
template withdrawn) is paused with the reason instead: nothing goes out that nobody chose.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from campaigns import lifecycle, timing
from campaigns.lifecycle import Action, Actor, State
from campaigns.models import Campaign
from campaigns.services import crud, transitions
from campaigns.validation import validate_campaign
from core.errors import ApplicationError, Conflict
from delivery import dispatch, schedules
from delivery.error_codes import DeliveryErrorCode
from delivery.models import Recipient, SendBatch
from delivery.pause import campaign_pause as campaign_pause  # offered by the facade too
from delivery.states import CANCELLABLE, OPEN

logger = logging.getLogger(__name__)

Status = Campaign.Status
S = Recipient.Status


class StartPassed(Conflict):
    code = DeliveryErrorCode.START_PASSED


def send_check(campaign: Campaign, *, action: Action) -> None:
    """Raise unless ``action`` may make this campaign's messages leave now.

    Runs the lifecycle table first (a refused move is a 409), then ``validate_campaign``
    (a 422 listing every problem). The caller holds the campaign's row lock.
    """
    lifecycle.require(campaign, action)
    validate_campaign(campaign=campaign).raise_if_invalid()


def _start_after_commit(campaign: Campaign) -> None:
    """The send pipeline takes over once the move to running is committed."""
    campaign_id = campaign.pk
    transaction.on_commit(lambda: dispatch.campaign_start(campaign_id))


def _locked_alive(campaign: Campaign) -> Campaign:
    transitions.lock(campaign)
    if campaign.is_deleted:
        raise Conflict("This campaign is deleted; restore it first.")
    return campaign


@transaction.atomic
def campaign_publish(*, campaign: Campaign, actor: Actor = None) -> Campaign:
    """A draft starts now, or is scheduled for its start date: draft → running or scheduled."""
    _locked_alive(campaign)
    if campaign.status != Status.DRAFT:
        # A paused or scheduled campaign has started its life already: resume or unschedule.
        raise lifecycle.TransitionError(
            f"Only a draft campaign can be published; this one is "
            f"{lifecycle.describe(lifecycle.state_of(campaign))}.",
            extra={"status": campaign.status, "action": "publish"},
        )
    later = (
        not campaign.send_now
        and campaign.start_date is not None
        and campaign.start_date > timezone.now()
    )
    action = Action.SCHEDULE if later else Action.START
    send_check(campaign, action=action)
    if later:
        transitions.move(campaign, action=action, actor=actor)
        schedules.campaign_schedule(campaign=campaign)
        return campaign
    transitions.move(
        campaign, action=action, actor=actor, record_as="publish", started_at=timezone.now()
    )
    _start_after_commit(campaign)
    return campaign


def _begin(campaign: Campaign, *, actor: Actor, record_as: str) -> Campaign:
    send_check(campaign, action=Action.BEGIN)
    schedules.run_schedule_delete(campaign=campaign)
    transitions.move(
        campaign,
        action=Action.BEGIN,
        actor=actor,
        record_as=record_as,
        started_at=timezone.now(),
    )
    _start_after_commit(campaign)
    return campaign


@transaction.atomic
def campaign_send_now(*, campaign: Campaign, actor: Actor = None) -> Campaign:
    """ "Send immediately": a draft is published to start now; a scheduled campaign, or one
    paused before its start, starts now."""
    _locked_alive(campaign)
    if campaign.status == Status.DRAFT:
        if not campaign.send_now:
            campaign.send_now = True
            campaign.save(update_fields=["send_now", "updated_at"])
        return campaign_publish(campaign=campaign, actor=actor)
    if not lifecycle.allows(campaign, Action.BEGIN):
        raise Conflict(
            f"Only a draft or scheduled campaign can be sent now; this one is "
            f"{lifecycle.describe(lifecycle.state_of(campaign))}.",
            code=DeliveryErrorCode.NOT_SENDABLE,
        )
    return _begin(campaign, actor=actor, record_as="send now")


@transaction.atomic
def campaign_schedule_request(
    *, campaign: Campaign, actor: Actor = None, data: dict[str, Any]
) -> Campaign:
    """``POST …/schedule``: write the scheduling fields of a draft, then publish it."""
    crud.campaign_update(campaign=campaign, actor=actor, data=data, partial=True)
    return campaign_publish(campaign=campaign, actor=actor)


@transaction.atomic
def campaign_resume(*, campaign: Campaign, actor: Actor = None) -> Campaign:
    """Back to where the pause found it: scheduled at its start time, or running.

    A paused scheduled campaign whose start passed during the pause is not sent: the caller
    is told, and chooses between sending it now and moving it back to draft.
    """
    _locked_alive(campaign)
    state = lifecycle.state_of(campaign)
    send_check(campaign, action=Action.RESUME)
    if state == State.PAUSED_SCHEDULED:
        at = timing.first_run_at(campaign)
        if at <= timezone.now():
            raise StartPassed(
                f"Its start time ({at:%Y-%m-%d %H:%M} UTC) passed while it was paused, so it "
                "was not sent. Send it now, or move it back to draft to pick a new time.",
                extra={"startDate": at.isoformat()},
            )
        transitions.move(campaign, action=Action.RESUME, actor=actor)
        schedules.campaign_schedule(campaign=campaign)
        return campaign
    fields: dict[str, Any] = {} if campaign.started_at else {"started_at": timezone.now()}
    transitions.move(campaign, action=Action.RESUME, actor=actor, **fields)
    campaign_id = campaign.pk
    transaction.on_commit(lambda: dispatch.campaign_resumed(campaign_id))
    return campaign


@transaction.atomic
def campaign_unschedule(*, campaign: Campaign, actor: Actor = None) -> Campaign:
    """Back to draft (from scheduled, or paused before its start) to edit or re-time it."""
    transitions.move(campaign, action=Action.UNSCHEDULE, actor=actor)
    schedules.run_schedule_delete(campaign=campaign)
    return campaign


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: Actor = None) -> Campaign:
    """Running or paused → completed ("cancelled"); whoever has not been sent is skipped."""
    _locked_alive(campaign)
    if not lifecycle.allows(campaign, Action.CANCEL):
        raise Conflict(
            f"Only a running or paused campaign can be cancelled; this one is "
            f"{lifecycle.describe(lifecycle.state_of(campaign))}.",
            code=DeliveryErrorCode.NOT_CANCELLABLE,
        )
    Recipient.objects.filter(campaign=campaign, status__in=CANCELLABLE).update(
        status=S.SKIPPED, error_code="cancelled", error_message="The campaign was cancelled."
    )
    SendBatch.objects.filter(campaign=campaign).exclude(status=SendBatch.Status.DONE).update(
        status=SendBatch.Status.DONE, finished_at=timezone.now()
    )
    schedules.run_schedule_delete(campaign=campaign)
    return transitions.move(
        campaign,
        action=Action.CANCEL,
        actor=actor,
        reason="cancelled",
        completed_at=timezone.now(),
    )


def _hold(campaign: Campaign, exc: ApplicationError, *, when: str) -> None:
    """A start came but the guard refused it: pause with the reason, never send."""
    reason = f"Not sent {when}: {exc.message}"[:500]
    logger.warning("campaign %s held: %s", campaign.pk, reason)
    campaign_pause(campaign=campaign, reason=reason)


def schedule_fired(*, campaign_id: int) -> None:
    """A campaign's Schedule fired: its scheduled start, or a recurring broadcast's next run."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or campaign.is_deleted:
            return
        if campaign.status == Status.SCHEDULED:
            try:
                with transaction.atomic():
                    _begin(campaign, actor=None, record_as="start")
            except ApplicationError as exc:
                _hold(campaign, exc, when="at its start time")
            return
        if campaign.status != Status.RUNNING or campaign.prepared_at is None:
            return
        if Recipient.objects.filter(campaign_id=campaign_id, status__in=OPEN).exists():
            return  # the last run is still going; the finish check schedules the next one
        try:
            validate_campaign(campaign=campaign).raise_if_invalid()
        except ApplicationError as exc:
            _hold(campaign, exc, when="at its next run")
            return
        dispatch.run_reset(campaign_id=campaign_id)
        transaction.on_commit(lambda: dispatch.campaign_start(campaign_id))
