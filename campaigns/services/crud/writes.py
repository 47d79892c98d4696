"""Create and update: validate everything first, then write the campaign and its rows.

Nothing is written when any problem is found; an update locks the row, checks the draft is
still editable, and records what changed (the history, the reach to recount).
"""

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from accounts.models import Account, ApiKey
from campaigns import lifecycle
from campaigns.models import AutomationTrigger, Campaign, Variant, WorkflowStep
from campaigns.services import changes as history
from campaigns.services import reach, transitions
from campaigns.services.crud.fields import (
    SCALAR_FIELDS,
    Problems,
    check_keys,
    check_name_free,
    check_scalars,
    full_clean,
    full_data,
    normalise,
    zone_named,
)
from campaigns.services.crud.relations import (
    ChildKey,
    Reference,
    Relations,
    SegmentKey,
    resolve_relations,
)


@transaction.atomic
def campaign_create(
    *, account: Account, actor: lifecycle.Actor, data: dict[str, Any], api_key: ApiKey | None = None
) -> Campaign:
    """A new draft of ``account`` from ``data``; unspecified fields take their defaults.
    ``api_key`` is the key of an API call: its name is the document's ``createdBy``."""
    check_keys(data)
    campaign = Campaign(account=account, timezone=account.timezone)
    if getattr(actor, "is_authenticated", False):
        campaign.created_by = actor
    if api_key is not None:
        campaign.created_by_api_key = api_key.name
    changed = _apply(campaign, data=data, partial=False)
    reach.reach_after_edit(campaign=campaign, changed=changed, creating=True)
    transitions.record(campaign=campaign, actor=actor, action="create", fields=sorted(changed))
    return campaign


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, actor: lifecycle.Actor, data: dict[str, Any], partial: bool = False
) -> Campaign:
    """Edit a draft. ``partial=False`` replaces the whole document: fields of the spec's
    Campaign document missing from ``data`` go back to their defaults (relations to empty);
    ``partial=True`` changes only the keys given."""
    check_keys(data)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.status, campaign.deleted_at = locked.status, locked.deleted_at
    lifecycle.require_editable(campaign)
    before = history.snapshot(campaign)
    changed = _apply(campaign, data=data, partial=partial)
    if changed:
        reach.reach_after_edit(campaign=campaign, changed=changed)
        changes = history.changes_between(before, history.snapshot(campaign), changed)
        transitions.record(
            campaign=campaign,
            actor=actor,
            action="update",
            fields=sorted(changed),
            changes=changes,
        )
    return campaign


def _apply(campaign: Campaign, *, data: dict[str, Any], partial: bool) -> list[str]:
    """Validate and write ``data``; returns the names of what changed."""
    account = campaign.account
    values = data if partial else full_data(campaign, data)
    problems = Problems()

    if "timezone" in values and not values["timezone"]:
        values = {**values, "timezone": account.timezone}  # blank means the account's zone
    zone_name = values.get("timezone", campaign.timezone)
    zone = zone_named(zone_name)
    scalars: dict[str, Any] = {}
    for name in SCALAR_FIELDS & set(values):
        scalars[name] = normalise(name, values[name], zone, problems)

    check_scalars(campaign, scalars, problems)
    if "name" in scalars and scalars["name"]:
        check_name_free(campaign, scalars["name"], problems)

    relations = resolve_relations(account, values, problems)

    changed = [name for name, value in scalars.items() if getattr(campaign, name) != value]
    previous = {name: getattr(campaign, name) for name in changed}
    for name in changed:
        setattr(campaign, name, scalars[name])
    full_clean(campaign, problems)
    if problems:
        for name, value in previous.items():  # leave the caller's instance as it was
            setattr(campaign, name, value)
        problems.raise_if_any()

    for name in REFERENCES:
        if name in relations and getattr(campaign, f"{name}_id") != _pk(relations[name]):
            setattr(campaign, name, relations[name])
            changed.append(name)

    creating = campaign._state.adding
    if creating:
        campaign.save()
    elif changed:
        campaign.save(update_fields=[*changed, "updated_at"])
    children = _write_children(campaign, relations, creating)
    if children and not creating and not changed:
        # Only rows beside the campaign changed: still mark the campaign as edited.
        campaign.save(update_fields=["updated_at"])
    return changed + children


def _pk(obj: models.Model | None) -> int | None:
    return obj.pk if obj is not None else None


def _child_state(rows: Iterable[models.Model], fields: tuple[str, ...]) -> list[tuple[object, ...]]:
    return [tuple(getattr(row, f) for f in fields) for row in rows]


REFERENCES: tuple[Reference, ...] = ("sender", "template")
SEGMENT_MANAGERS: dict[SegmentKey, str] = {
    "segment_ids": "segments",
    "exclude_segment_ids": "exclude_segments",
}
CHILDREN: dict[ChildKey, tuple[type[models.Model], tuple[str, ...]]] = {
    "variants": (Variant, ("key", "name", "message", "split_percentage", "is_winner")),
    "triggers": (AutomationTrigger, ("type", "condition")),
    "workflow": (WorkflowStep, ("step_id", "position", "delay_hours", "message", "conditions")),
}


def _write_children(campaign: Campaign, relations: Relations, creating: bool) -> list[str]:
    changed: list[str] = []
    for ids_key, manager_name in SEGMENT_MANAGERS.items():
        if ids_key in relations:
            wanted = relations[ids_key]
            segments = getattr(campaign, manager_name)
            current = set() if creating else set(segments.values_list("pk", flat=True))
            if current != set(wanted):
                segments.set(wanted)
                changed.append(ids_key)
    for key, (model, fields) in CHILDREN.items():
        if key not in relations:
            continue
        rows = relations[key]
        manager = getattr(campaign, key)
        if not creating and _child_state(manager.all(), fields) == _child_state(rows, fields):
            continue
        if not creating:
            manager.all().delete()
        for row in rows:
            row.campaign = campaign
        model._default_manager.bulk_create(rows)
        if rows or not creating:
            changed.append(key)
    return changed
