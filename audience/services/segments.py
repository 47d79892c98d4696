"""Writes of segments, and keeping counts (segment sizes, campaign reach) current."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audience import ports
from audience.models import Segment
from audience.selectors import audience_count, audience_queryset, contacts_matching
from core.errors import Conflict, ValidationFailed

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from accounts.models import Account

MAX_NAME = 200


def _clean_name(*, account: Account, name: object, exclude_id: int | None = None) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationFailed(
            "Give the segment a name.",
            extra={"problems": [{"field": "name", "message": "Required."}]},
        )
    if len(name) > MAX_NAME:
        raise ValidationFailed(
            f"The name is longer than {MAX_NAME} characters.",
            extra={"problems": [{"field": "name", "message": "Too long."}]},
        )
    taken = Segment.objects.for_account(account).filter(name=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        message = f"A segment named “{name}” already exists."
        raise ValidationFailed(message, extra={"problems": [{"field": "name", "message": message}]})
    return name


def _normalise_filters(filters: object) -> object:
    """The filter tree as given (``contacts_matching`` validates it), or an empty one."""
    if filters in (None, ""):
        return {"op": "and", "rules": []}
    return filters


@transaction.atomic
def segment_create(
    *,
    account: Account,
    name: str,
    description: str = "",
    filters: object = None,
    actor: User | AnonymousUser | None = None,
) -> Segment:
    name = _clean_name(account=account, name=name)
    filters = _normalise_filters(filters)
    count = audience_count(contacts_matching(account=account, filters=filters))
    return Segment.objects.create(
        account=account,
        name=name,
        description=description or "",
        filters=filters,
        contact_count=count,
        counted_at=timezone.now(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def segment_update(
    *,
    segment: Segment,
    name: str | None = None,
    description: str | None = None,
    filters: object = None,
) -> Segment:
    fields = ["updated_at", "contact_count", "counted_at"]
    if name is not None:
        segment.name = _clean_name(account=segment.account, name=name, exclude_id=segment.pk)
        fields.append("name")
    if description is not None:
        segment.description = description
        fields.append("description")
    if filters is not None:
        segment.filters = _normalise_filters(filters)
        fields.append("filters")
    matching = contacts_matching(
        account=segment.account, filters=segment.filters, segment_id=segment.pk
    )
    segment.contact_count = audience_count(matching)
    segment.counted_at = timezone.now()
    segment.save(update_fields=fields)
    if filters is not None:
        # Campaigns using it recount their reach (campaigns.audience_provider).
        ports.segment_filters_changed.send(sender=Segment, segment=segment)
    return segment


def segment_recount(*, segment: Segment) -> Segment:
    segment.contact_count = audience_count(
        contacts_matching(account=segment.account, filters=segment.filters, segment_id=segment.pk)
    )
    segment.counted_at = timezone.now()
    segment.save(update_fields=["contact_count", "counted_at"])
    return segment


def segments_recount_due(
    *, older_than: datetime, limit: int, account: Account | None = None
) -> int:
    """Recount up to ``limit`` segments never counted or counted before ``older_than``,
    the oldest first; returns how many. Bounded so a periodic run has a bounded cost."""
    due = Segment.objects.filter(Q(counted_at__isnull=True) | Q(counted_at__lt=older_than))
    if account is not None:
        due = due.filter(account=account)
    segments = list(
        due.select_related("account").order_by(F("counted_at").asc(nulls_first=True), "pk")[:limit]
    )
    for segment in segments:
        try:
            segment_recount(segment=segment)
        except ValidationFailed:
            # It names a segment or an attribute deleted since: it reaches nobody now.
            segment.contact_count, segment.counted_at = 0, timezone.now()
            segment.save(update_fields=["contact_count", "counted_at"])
    return len(segments)


def segment_references(*, segment: Segment) -> list[Segment]:
    """Other segments of the account whose filters name this one."""
    return [
        other
        for other in Segment.objects.for_account(segment.account).exclude(pk=segment.pk)
        if segment.pk in _referenced_ids(other.filters)
    ]


def _referenced_ids(node: object) -> set[int]:
    found: set[int] = set()
    if isinstance(node, dict):
        if node.get("field") == "segment":
            try:
                found.add(int(node["value"]))
            except (KeyError, TypeError, ValueError):
                pass
        for child in node.get("rules") or []:
            found |= _referenced_ids(child)
    return found


@transaction.atomic
def segment_delete(*, segment: Segment) -> None:
    """Deletes a segment nothing uses; one a campaign or another segment uses is a 409."""
    names = ports.campaign_directory.get().campaign_names_using(segment=segment)
    if names:
        raise Conflict(
            f"The segment “{segment.name}” is used by campaign{'s' * (len(names) > 1)} "
            + ", ".join(f"“{n}”" for n in names[:5])
            + ": remove it there first."
        )
    referring = segment_references(segment=segment)
    if referring:
        raise Conflict(
            f"The segment “{segment.name}” is used in the filters of "
            + ", ".join(f"“{s.name}”" for s in referring[:5])
            + ": remove it there first."
        )
    segment.delete()


def campaign_refresh_reach(*, campaign: ports.CampaignReach) -> int:
    """Recounts the campaign's audience into ``estimated_reach`` (and when, into
    ``estimated_reach_at``); returns it.

    An audience that cannot be computed (no segment chosen yet, a segment that became
    invalid) reaches nobody: 0, while the wizard and publish say what to fix. A recount is not
    an edit, so ``updated_at`` stays.
    """
    try:
        reach = audience_count(audience_queryset(campaign=campaign))
    except ValidationFailed:
        reach = 0
    campaign.estimated_reach = reach
    campaign.estimated_reach_at = timezone.now()
    campaign.save(update_fields=["estimated_reach", "estimated_reach_at"])
    return reach
