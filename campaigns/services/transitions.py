"""Applying the lifecycle's moves to the database: lock the row, check the move against the
table (``campaigns.lifecycle``), save, and record it in the campaign's history; plus the moves
that are not about sending (complete, fail, delete, restore, duplicate).
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from campaigns.error_codes import CampaignErrorCode
from campaigns.lifecycle import DELETABLE, Action, Actor, Status, require, state_of
from campaigns.models import Campaign, CampaignActivity
from core.errors import Conflict


def record(*, campaign: Campaign, actor: Actor, action: str, **detail: Any) -> CampaignActivity:
    return CampaignActivity.objects.create(
        campaign=campaign,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        detail=detail,
    )


def lock(campaign: Campaign) -> Campaign:
    """Re-read the row under a lock so two concurrent transitions cannot both pass the check."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    for name in ("status", "paused_from", "deleted_at", "started_at", "prepared_at"):
        setattr(campaign, name, getattr(locked, name))
    return campaign


def move(
    campaign: Campaign,
    *,
    action: Action,
    actor: Actor = None,
    reason: str = "",
    record_as: str = "",
    **fields: Any,
) -> Campaign:
    """Apply ``action`` through the table; the caller holds the transaction.

    ``record_as`` names the move in the history the way the person did it ("publish", "send
    now"), where the table's action is the more general one.
    """
    lock(campaign)
    if campaign.is_deleted:
        raise Conflict("This campaign is deleted; restore it first.")
    target = require(campaign, action)
    previous = state_of(campaign)
    campaign.paused_from = campaign.status if target == Status.PAUSED else ""
    campaign.status = target
    campaign.status_reason = reason
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.save(update_fields=["status", "paused_from", "status_reason", "updated_at", *fields])
    record(
        campaign=campaign,
        actor=actor,
        action=record_as or action.value,
        previous=previous.value,
        reason=reason,
    )
    return campaign


@transaction.atomic
def campaign_complete(*, campaign: Campaign, actor: Actor = None, reason: str = "") -> Campaign:
    return move(
        campaign,
        action=Action.COMPLETE,
        actor=actor,
        reason=reason,
        completed_at=timezone.now(),
    )


@transaction.atomic
def campaign_fail(*, campaign: Campaign, reason: str, actor: Actor = None) -> Campaign:
    return move(
        campaign, action=Action.FAIL, actor=actor, reason=reason, completed_at=timezone.now()
    )


@transaction.atomic
def campaign_delete(*, campaign: Campaign, actor: Actor = None) -> Campaign:
    """Soft delete: the campaign leaves every list but keeps its data until restored."""
    lock(campaign)
    if campaign.is_deleted:
        return campaign
    if campaign.status not in DELETABLE:
        raise Conflict(
            "A running campaign cannot be deleted; pause it first.",
            code=CampaignErrorCode.NOT_DELETABLE,
        )
    campaign.deleted_at = timezone.now()
    campaign.save(update_fields=["deleted_at", "updated_at"])
    record(campaign=campaign, actor=actor, action="delete")
    return campaign


@transaction.atomic
def campaign_restore(*, campaign: Campaign, actor: Actor = None) -> Campaign:
    lock(campaign)
    if not campaign.is_deleted:
        return campaign
    campaign.deleted_at = None
    campaign.save(update_fields=["deleted_at", "updated_at"])
    record(campaign=campaign, actor=actor, action="restore")
    return campaign


@transaction.atomic
def campaign_duplicate(*, campaign: Campaign, actor: Actor = None) -> Campaign:
    """A new draft with the same settings, variants, triggers and workflow; no stats."""
    source = Campaign.objects.get(pk=campaign.pk)
    copy = Campaign.objects.get(pk=campaign.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.name = _copy_name(campaign)
    copy.status = Status.DRAFT
    copy.paused_from = ""
    copy.status_reason = ""
    copy.created_by = actor if getattr(actor, "is_authenticated", False) else source.created_by
    copy.started_at = copy.completed_at = copy.deleted_at = copy.prepared_at = None
    copy.run_count = 0
    for counter in (
        "total_recipients",
        "total_sent",
        "total_delivered",
        "total_failed",
        "total_opened",
        "total_clicked",
        "total_converted",
    ):
        setattr(copy, counter, 0)
    copy.estimated_revenue = 0
    copy.save()
    copy.segments.set(source.segments.all())
    copy.exclude_segments.set(source.exclude_segments.all())
    for related in ("variants", "triggers", "workflow"):
        rows = list(getattr(source, related).all())
        for row in rows:
            row.pk = None
            row.id = None
            row.campaign = copy
            if related == "variants":
                row.is_winner = False
                row.recipients_total = 0
        if rows:
            type(rows[0]).objects.bulk_create(rows)
    record(campaign=copy, actor=actor, action="duplicate", source=source.pk)
    return copy


def _copy_name(campaign: Campaign) -> str:
    base = f"{campaign.name} (copy)"
    taken = set(
        Campaign.objects.for_account(campaign.account_id)
        .filter(name__startswith=base)
        .values_list("name", flat=True)
    )
    if base not in taken:
        return base[:200]
    n = 2
    while f"{base} {n}" in taken:
        n += 1
    return f"{base} {n}"[:200]
