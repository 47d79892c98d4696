"""Campaign status transitions: the one place that says which moves are allowed.

Every caller (pages, API, admin actions, tasks) changes a campaign's status through the
functions here, so a rule is enforced once and every change lands in the campaign's history.
"""

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, CampaignActivity
from core.errors import Conflict

Status = Campaign.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SCHEDULED, Status.RUNNING}),
    Status.SCHEDULED: frozenset({Status.DRAFT, Status.RUNNING, Status.PAUSED, Status.FAILED}),
    Status.RUNNING: frozenset({Status.PAUSED, Status.COMPLETED, Status.FAILED}),
    Status.PAUSED: frozenset({Status.RUNNING, Status.SCHEDULED, Status.COMPLETED, Status.FAILED}),
    Status.COMPLETED: frozenset(),
    Status.FAILED: frozenset({Status.DRAFT}),
}

# Statuses whose campaign may be edited; everything else is locked while it sends or after.
EDITABLE = frozenset({Status.DRAFT})
# A campaign that may be sending right now cannot be deleted; pause or finish it first.
DELETABLE = frozenset(
    {Status.DRAFT, Status.SCHEDULED, Status.PAUSED, Status.COMPLETED, Status.FAILED}
)


class TransitionError(Conflict):
    code = "invalid_transition"


def can_transition(campaign: Campaign, to: str) -> bool:
    return to in TRANSITIONS[campaign.status]


def require(campaign: Campaign, *, to: str) -> None:
    if not can_transition(campaign, to):
        current = Status(campaign.status).label.lower()
        target = Status(to).label.lower()
        allowed = ", ".join(sorted(Status(s).label.lower() for s in TRANSITIONS[campaign.status]))
        raise TransitionError(
            f"A {current} campaign cannot become {target}"
            + (f" (it can become: {allowed})." if allowed else " (it is final)."),
            extra={"status": campaign.status, "to": to},
        )


def require_editable(campaign: Campaign) -> None:
    if campaign.is_deleted:
        raise Conflict("This campaign is deleted; restore it before changing it.")
    if campaign.status not in EDITABLE:
        raise Conflict(
            f"Only draft campaigns can be edited; this one is "
            f"{Status(campaign.status).label.lower()}.",
            code="not_editable",
        )


def record(*, campaign: Campaign, actor, action: str, **detail) -> CampaignActivity:
    return CampaignActivity.objects.create(
        campaign=campaign,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        detail=detail,
    )


def _lock(campaign: Campaign) -> Campaign:
    """Re-read the row under a lock so two concurrent transitions cannot both pass the check."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.status = locked.status
    campaign.deleted_at = locked.deleted_at
    return campaign


def _move(campaign: Campaign, *, to: str, actor, action: str, reason: str = "", **fields):
    _lock(campaign)
    if campaign.is_deleted:
        raise Conflict("This campaign is deleted; restore it first.")
    require(campaign, to=to)
    previous = campaign.status
    campaign.status = to
    campaign.status_reason = reason
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.save(update_fields=["status", "status_reason", "updated_at", *fields])
    record(campaign=campaign, actor=actor, action=action, previous=previous, reason=reason)
    return campaign


@transaction.atomic
def campaign_publish(*, campaign: Campaign, actor=None) -> Campaign:
    """Validate, then start now or at ``start_date``: draft → running or scheduled."""
    from campaigns.services.validation import validate_campaign

    _lock(campaign)
    if campaign.status != Status.DRAFT and not campaign.is_deleted:
        # A paused or scheduled campaign has started its life already: resume or unschedule.
        raise TransitionError(
            f"Only a draft campaign can be published; this one is "
            f"{Status(campaign.status).label.lower()}.",
            extra={"status": campaign.status, "to": Status.RUNNING},
        )
    validate_campaign(campaign=campaign).raise_if_invalid()
    if not campaign.send_now and campaign.start_date and campaign.start_date > timezone.now():
        _move(campaign, to=Status.SCHEDULED, actor=actor, action="schedule")
        from campaigns.services import scheduling

        scheduling.campaign_schedule(campaign=campaign)
        return campaign
    _move(campaign, to=Status.RUNNING, actor=actor, action="publish", started_at=timezone.now())
    _start_after_commit(campaign)
    return campaign


def _start_after_commit(campaign: Campaign) -> None:
    """The send pipeline takes over once the move to running is committed."""
    from campaigns.services import dispatch

    transaction.on_commit(lambda: dispatch.campaign_start(campaign.pk))


@transaction.atomic
def campaign_begin(*, campaign: Campaign, actor=None) -> Campaign:
    """A scheduled campaign's start time came: scheduled → running, then the pipeline starts."""
    _move(campaign, to=Status.RUNNING, actor=actor, action="start", started_at=timezone.now())
    _start_after_commit(campaign)
    return campaign


@transaction.atomic
def campaign_unschedule(*, campaign: Campaign, actor=None) -> Campaign:
    from campaigns.services import scheduling

    _move(campaign, to=Status.DRAFT, actor=actor, action="unschedule")
    scheduling.run_schedule_delete(campaign=campaign)
    return campaign


@transaction.atomic
def campaign_pause(*, campaign: Campaign, actor=None, reason: str = "") -> Campaign:
    return _move(campaign, to=Status.PAUSED, actor=actor, action="pause", reason=reason)


@transaction.atomic
def campaign_resume(*, campaign: Campaign, actor=None) -> Campaign:
    _lock(campaign)
    if campaign.status != Status.PAUSED:
        # draft → running is publish's move (it validates first); resume only undoes a pause.
        raise TransitionError(
            f"Only a paused campaign can be resumed; this one is "
            f"{Status(campaign.status).label.lower()}.",
            extra={"status": campaign.status, "to": Status.RUNNING},
        )
    fields = {}
    if campaign.started_at is None:
        fields["started_at"] = timezone.now()
    _move(campaign, to=Status.RUNNING, actor=actor, action="resume", **fields)
    from campaigns.services import dispatch

    transaction.on_commit(lambda: dispatch.campaign_resumed(campaign.pk))
    return campaign


@transaction.atomic
def campaign_complete(*, campaign: Campaign, actor=None, reason: str = "") -> Campaign:
    return _move(
        campaign,
        to=Status.COMPLETED,
        actor=actor,
        action="complete",
        reason=reason,
        completed_at=timezone.now(),
    )


@transaction.atomic
def campaign_fail(*, campaign: Campaign, reason: str, actor=None) -> Campaign:
    return _move(
        campaign,
        to=Status.FAILED,
        actor=actor,
        action="fail",
        reason=reason,
        completed_at=timezone.now(),
    )


@transaction.atomic
def campaign_delete(*, campaign: Campaign, actor=None) -> Campaign:
    """Soft delete: the campaign leaves every list but keeps its data until restored."""
    _lock(campaign)
    if campaign.is_deleted:
        return campaign
    if campaign.status not in DELETABLE:
        raise Conflict(
            "A running campaign cannot be deleted; pause it first.", code="not_deletable"
        )
    campaign.deleted_at = timezone.now()
    campaign.save(update_fields=["deleted_at", "updated_at"])
    record(campaign=campaign, actor=actor, action="delete")
    return campaign


@transaction.atomic
def campaign_restore(*, campaign: Campaign, actor=None) -> Campaign:
    _lock(campaign)
    if not campaign.is_deleted:
        return campaign
    campaign.deleted_at = None
    campaign.save(update_fields=["deleted_at", "updated_at"])
    record(campaign=campaign, actor=actor, action="restore")
    return campaign


@transaction.atomic
def campaign_duplicate(*, campaign: Campaign, actor=None) -> Campaign:
    """A new draft with the same settings, variants, triggers and workflow; no stats."""
    source = Campaign.objects.get(pk=campaign.pk)
    copy = Campaign.objects.get(pk=campaign.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.name = _copy_name(campaign)
    copy.status = Status.DRAFT
    copy.status_reason = ""
    copy.created_by = actor if getattr(actor, "is_authenticated", False) else source.created_by
    copy.started_at = copy.completed_at = copy.deleted_at = None
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
