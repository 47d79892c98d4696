"""Create and edit campaigns: the one write path that the API, the pages and the wizard share.

Callers pass a dict of MODEL field names (see ``SCALAR_FIELDS``) plus the relation keys
``sender_id`` (or ``phone_number_id``, resolved within the account), ``template_id``,
``segment_ids``, ``exclude_segment_ids``, ``variants``, ``triggers`` and ``workflow``.
Every problem is reported at once, with the API's camelCase path (``audience.segmentIds``),
as a ``ValidationFailed`` whose ``extra["problems"]`` is ``[{field, message}]``; nothing is
written then. Messages inside variants and workflow steps are stored with the spec's own
keys: ``{"type", "content", "templateId", "variables", "mediaUrls", "buttons"}``.
"""

import zoneinfo
from datetime import datetime, time

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from accounts.models import Account
from audience.models import Segment
from campaigns import lifecycle
from campaigns.models import AutomationTrigger, Campaign, Variant, WorkflowStep
from campaigns.services import changes as history
from campaigns.services import reach, transitions
from campaigns.validation import (
    DELAY_HOURS_MAX,
    STEP_ID_MAX,
    VARIANT_KEY_MAX,
    VARIANT_NAME_MAX,
    button_problems,
    hh_mm_problem,
    link_problem,
    splits_problem,
    subject_problem,
)
from core import urlguard
from core.errors import ValidationFailed
from messaging.models import Sender
from templates_app.models import MessageTemplate

# Where each model field lives in the API's document, for error paths.
FIELD_PATHS = {
    "name": "name",
    "description": "description",
    "type": "type",
    "sender_id": "phoneNumberId",
    "phone_number_id": "phoneNumberId",
    "audience_type": "audience.type",
    "segment_ids": "audience.segmentIds",
    "custom_filters": "audience.customFilters",
    "exclude_unsubscribed": "audience.excludeUnsubscribed",
    "exclude_segment_ids": "audience.excludeSegmentIds",
    "exclude_suppressed": "audience.excludeSuppressed",
    "frequency_cap_hours": "audience.frequencyCapHours",
    "message_type": "message.type",
    "message_content": "message.content",
    "subject": "message.subject",
    "template_id": "message.templateId",
    "message_variables": "message.variables",
    "media_urls": "message.mediaUrls",
    "buttons": "message.buttons",
    "personalization": "message.personalization",
    "send_now": "scheduling.sendNow",
    "start_date": "scheduling.startDate",
    "end_date": "scheduling.endDate",
    "timezone": "scheduling.timezone",
    "frequency": "scheduling.frequency",
    "delivery_time": "scheduling.deliveryTime",
    "local_time_delivery": "scheduling.localTimeDelivery",
    "quiet_hours_start": "scheduling.quietHoursStart",
    "quiet_hours_end": "scheduling.quietHoursEnd",
    "ab_enabled": "abTest.enabled",
    "winner_criteria": "abTest.winnerCriteria",
    "variants": "abTest.variants",
    "automation_enabled": "automation.enabled",
    "triggers": "automation.triggers",
    "workflow": "automation.workflow",
    "tracking_url": "trackingUrl",
    "webhook_url": "webhookUrl",
}

SCALAR_FIELDS = frozenset(
    {
        "name",
        "description",
        "type",
        "audience_type",
        "custom_filters",
        "exclude_unsubscribed",
        "exclude_suppressed",
        "frequency_cap_hours",
        "message_type",
        "message_content",
        "subject",
        "message_variables",
        "media_urls",
        "buttons",
        "personalization",
        "send_now",
        "start_date",
        "end_date",
        "timezone",
        "frequency",
        "delivery_time",
        "local_time_delivery",
        "quiet_hours_start",
        "quiet_hours_end",
        "ab_enabled",
        "winner_criteria",
        "automation_enabled",
        "tracking_url",
        "webhook_url",
    }
)
RELATION_KEYS = frozenset(
    {
        "sender_id",
        "phone_number_id",
        "template_id",
        "segment_ids",
        "exclude_segment_ids",
        "variants",
        "triggers",
        "workflow",
    }
)
# Not part of the spec's document, so a full update (API PUT) leaves it alone unless given.
KEPT_ON_FULL_UPDATE = frozenset({"personalization"})
TIME_FIELDS = ("delivery_time", "quiet_hours_start", "quiet_hours_end")
DATETIME_FIELDS = ("start_date", "end_date")
JSON_LISTS = ("message_variables", "media_urls", "buttons")
JSON_DICTS = ("custom_filters", "personalization")


class _Problems(list):
    def add(self, field: str, message: str) -> None:
        self.append({"field": field, "message": message})

    def fields(self) -> set[str]:
        return {p["field"] for p in self}

    def raise_if_any(self) -> None:
        if self:
            raise ValidationFailed(
                "The campaign was not saved: " + "; ".join(p["message"] for p in self),
                extra={"problems": list(self)},
            )


@transaction.atomic
def campaign_create(*, account: Account, actor, data: dict, api_key=None) -> Campaign:
    """A new draft of ``account`` from ``data``; unspecified fields take their defaults.
    ``api_key`` is the key of an API call: its name is the document's ``createdBy``."""
    _check_keys(data)
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
def campaign_update(*, campaign: Campaign, actor, data: dict, partial: bool = False) -> Campaign:
    """Edit a draft. ``partial=False`` replaces the whole document: fields of the spec's
    Campaign document missing from ``data`` go back to their defaults (relations to empty);
    ``partial=True`` changes only the keys given."""
    _check_keys(data)
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


def _check_keys(data: dict) -> None:
    unknown = set(data) - SCALAR_FIELDS - RELATION_KEYS
    if unknown:
        raise TypeError(f"Unknown campaign fields: {', '.join(sorted(unknown))}")
    if "sender_id" in data and "phone_number_id" in data:
        raise TypeError("Give either sender_id or phone_number_id, not both.")


def _full_data(campaign: Campaign, data: dict) -> dict:
    """``data`` completed with the defaults of every document field it leaves out."""
    values = dict(data)
    for name in SCALAR_FIELDS - KEPT_ON_FULL_UPDATE - set(values):
        if name == "timezone":
            values[name] = campaign.account.timezone
        else:
            values[name] = Campaign._meta.get_field(name).get_default()
    if "sender_id" not in values and "phone_number_id" not in values:
        values["sender_id"] = None
    values.setdefault("template_id", None)
    for name in ("segment_ids", "exclude_segment_ids", "variants", "triggers", "workflow"):
        values.setdefault(name, [])
    return values


def _apply(campaign: Campaign, *, data: dict, partial: bool) -> list[str]:
    """Validate and write ``data``; returns the names of what changed."""
    account = campaign.account
    values = data if partial else _full_data(campaign, data)
    problems = _Problems()

    if "timezone" in values and not values["timezone"]:
        values = {**values, "timezone": account.timezone}  # blank means the account's zone
    zone_name = values.get("timezone", campaign.timezone)
    zone = _zone(zone_name)
    scalars = {}
    for name in SCALAR_FIELDS & set(values):
        scalars[name] = _normalise(name, values[name], zone, problems)

    _check_scalars(campaign, scalars, problems)
    if "name" in scalars and scalars["name"]:
        _check_name_free(campaign, scalars["name"], problems)

    relations = _resolve_relations(account, values, problems)

    changed = [name for name, value in scalars.items() if getattr(campaign, name) != value]
    previous = {name: getattr(campaign, name) for name in changed}
    for name in changed:
        setattr(campaign, name, scalars[name])
    _full_clean(campaign, problems)
    if problems:
        for name, value in previous.items():  # leave the caller's instance as it was
            setattr(campaign, name, value)
        problems.raise_if_any()

    for name in ("sender", "template"):
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


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None


def _zone(name) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _normalise(name: str, value, zone, problems: _Problems):
    """Coerce what forms and the API hand over; problems for what cannot be read."""
    path = FIELD_PATHS[name]
    if name in DATETIME_FIELDS:
        if value in (None, ""):
            return None
        if not isinstance(value, datetime):
            problems.add(path, "Give a date and time.")
            return None
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if name in TIME_FIELDS:
        if value in (None, ""):
            return None
        if isinstance(value, time):
            return value.replace(second=0, microsecond=0)
        if problem := hh_mm_problem(value):
            problems.add(path, problem)
            return None
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    if name in JSON_LISTS:
        if value is None:
            return []
        if not isinstance(value, list):
            problems.add(path, "Give a list.")
            return []
        return value
    if name in JSON_DICTS:
        if value is None:
            return {}
        if not isinstance(value, dict):
            problems.add(path, "Give an object.")
            return {}
        return value
    if name in ("name", "description", "message_content", "subject", "tracking_url", "webhook_url"):
        return (value or "").strip() if name != "message_content" else (value or "")
    return value


def _check_scalars(campaign: Campaign, scalars: dict, problems: _Problems) -> None:
    if "name" in scalars and not scalars["name"]:
        problems.add("name", "Give the campaign a name.")
    for name in ("tracking_url", "webhook_url", "media_urls"):
        urls = scalars.get(name)
        urls = [urls] if isinstance(urls, str) else urls or []
        for index, url in enumerate(urls):
            suffix = f".{index}" if name == "media_urls" else ""
            if problem := link_problem(url):
                problems.add(FIELD_PATHS[name] + suffix, problem)
    if problem := subject_problem(scalars.get("subject", "")):
        problems.add("message.subject", problem)
    if "message_variables" in scalars:
        for index, variable in enumerate(scalars["message_variables"]):
            if not isinstance(variable, str):
                problems.add(f"message.variables.{index}", "A variable must be text.")
    if "buttons" in scalars:
        for path, problem in button_problems(scalars["buttons"], "message.buttons"):
            problems.add(path, problem)
    if scalars.get("custom_filters"):
        _check_filters(campaign.account, scalars["custom_filters"], problems)
    start = scalars.get("start_date", campaign.start_date)
    end = scalars.get("end_date", campaign.end_date)
    if start and end and end < start and "scheduling.endDate" not in problems.fields():
        problems.add("scheduling.endDate", "The end date is before the start date.")


def _check_filters(account: Account, tree: dict, problems: _Problems) -> None:
    """The audience engine's own grammar check, so a bad tree fails here, not at send time."""
    from audience.filters import FilterContext, filters_parse

    try:
        filters_parse(tree, context=FilterContext(account=account), path="audience.customFilters")
    except ValidationFailed as error:
        for problem in error.extra.get("problems", []):
            problems.add(problem["field"], problem["message"])


def _check_name_free(campaign: Campaign, name: str, problems: _Problems) -> None:
    # Serialise name checks per account so two concurrent saves cannot both take a name.
    list(Account.objects.select_for_update().filter(pk=campaign.account_id).values_list("pk"))
    clashes = list(
        Campaign.objects.for_account(campaign.account_id)
        .filter(name__iexact=name)
        .exclude(pk=campaign.pk)
        .values_list("deleted_at", flat=True)[:10]
    )
    if any(deleted_at is None for deleted_at in clashes):
        problems.add("name", f"A campaign named “{name}” already exists; choose another name.")
    elif clashes:
        problems.add(
            "name", f"A deleted campaign is named “{name}”; restore it or choose another name."
        )


def _full_clean(campaign: Campaign, problems: _Problems) -> None:
    """The model's own field checks (choices, lengths, time zone, URL fields)."""
    try:
        campaign.full_clean(
            exclude=["account", "sender", "template", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except DjangoValidationError as error:
        taken = problems.fields()
        for name, messages in error.message_dict.items():
            path = FIELD_PATHS.get(name, name)
            if path in taken or any(f.startswith(path + ".") for f in taken):
                continue
            for message in messages:
                problems.add(path, message)


def _ids(value, path: str, problems: _Problems) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list | tuple | set):
        problems.add(path, "Give a list of ids.")
        return []
    ids = []
    for index, raw in enumerate(value):
        try:
            ids.append(int(getattr(raw, "pk", raw)))
        except (TypeError, ValueError):
            problems.add(f"{path}.{index}", f"“{raw}” is not an id.")
    return list(dict.fromkeys(ids))


def _one_id(value, path: str, problems: _Problems) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        problems.add(path, f"“{value}” is not an id.")
        return None


def _resolve_relations(account: Account, values: dict, problems: _Problems) -> dict:
    """Look up every referenced row within the account; unknown ids are problems."""
    relations: dict = {}
    if "phone_number_id" in values:
        number = (values["phone_number_id"] or "").strip()
        sender = None
        if number:
            sender = Sender.objects.for_account(account).filter(phone_number_id=number).first()
            if sender is None:
                problems.add(
                    "phoneNumberId", f"No sender of this account has phone number id “{number}”."
                )
        relations["sender"] = sender
    elif "sender_id" in values:
        pk = _one_id(values["sender_id"], "phoneNumberId", problems)
        sender = Sender.objects.for_account(account).filter(pk=pk).first() if pk else None
        if pk and sender is None:
            problems.add("phoneNumberId", "This sender does not exist in this account.")
        relations["sender"] = sender

    if "template_id" in values:
        pk = _one_id(values["template_id"], "message.templateId", problems)
        template = (
            MessageTemplate.objects.for_account(account).filter(pk=pk).first() if pk else None
        )
        if pk and template is None:
            problems.add("message.templateId", f"Message template {pk} does not exist.")
        relations["template"] = template

    for key in ("segment_ids", "exclude_segment_ids"):
        if key in values:
            path = FIELD_PATHS[key]
            ids = _ids(values[key], path, problems)
            found = set(
                Segment.objects.for_account(account).filter(pk__in=ids).values_list("pk", flat=True)
            )
            missing = [pk for pk in ids if pk not in found]
            if missing:
                problems.add(
                    path, "Unknown segment id(s): " + ", ".join(str(pk) for pk in missing) + "."
                )
            relations[key] = ids

    message_templates: list[tuple[str, object]] = []
    if "variants" in values:
        relations["variants"] = _variants(values["variants"], problems, message_templates)
    if "triggers" in values:
        relations["triggers"] = _triggers(values["triggers"], problems)
    if "workflow" in values:
        relations["workflow"] = _workflow(values["workflow"], problems, message_templates)
    _check_message_templates(account, message_templates, problems)
    return relations


def _rows(value, path: str, problems: _Problems) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(row, dict) for row in value):
        problems.add(path, "Give a list of objects.")
        return []
    return list(value)


def _message(value, path: str, problems: _Problems, templates: list) -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        problems.add(path, "A message is an object (type, content, templateId, ...).")
        return {}
    if value.get("buttons"):
        for here, problem in button_problems(value["buttons"], f"{path}.buttons"):
            problems.add(here, problem)
    for key, problem in urlguard.message_url_problems(media_urls=value.get("mediaUrls")):
        problems.add(f"{path}.{key}", problem)
    if value.get("templateId") not in (None, ""):
        templates.append((f"{path}.templateId", value["templateId"]))
    return value


def _small_int(value, path: str, problems: _Problems, *, low: int, high: int, label: str):
    try:
        number = int(value)
    except (TypeError, ValueError):
        problems.add(path, f"{label} must be a whole number.")
        return None
    if not low <= number <= high or (isinstance(value, float) and value != number):
        problems.add(path, f"{label} must be between {low} and {high}.")
        return None
    return number


def _variants(value, problems: _Problems, templates: list) -> list[Variant]:
    base = "abTest.variants"
    rows = _rows(value, base, problems)
    variants, keys = [], set()
    for index, row in enumerate(rows):
        here = f"{base}.{index}"
        key = str(row.get("key") or "").strip()
        if not key or len(key) > VARIANT_KEY_MAX:
            problems.add(
                f"{here}.id", f"A variant needs an id of 1 to {VARIANT_KEY_MAX} characters."
            )
        elif key in keys:
            problems.add(f"{here}.id", f"Two variants have the id “{key}”.")
        keys.add(key)
        name = str(row.get("name") or "").strip()
        if not name or len(name) > VARIANT_NAME_MAX:
            problems.add(
                f"{here}.name", f"A variant needs a name of 1 to {VARIANT_NAME_MAX} characters."
            )
        split = _small_int(
            row.get("split_percentage", 0),
            f"{here}.splitPercentage",
            problems,
            low=0,
            high=100,
            label="A split",
        )
        variants.append(
            Variant(
                key=key,
                name=name,
                message=_message(row.get("message"), f"{here}.message", problems, templates),
                split_percentage=split or 0,
                is_winner=bool(row.get("is_winner", False)),
            )
        )
    if problem := splits_problem(sum(v.split_percentage for v in variants)):
        problems.add(base, problem)
    return variants


def _triggers(value, problems: _Problems) -> list[AutomationTrigger]:
    base = "automation.triggers"
    triggers = []
    for index, row in enumerate(_rows(value, base, problems)):
        kind = row.get("type")
        if kind not in AutomationTrigger.Type.values:
            allowed = ", ".join(AutomationTrigger.Type.values)
            problems.add(f"{base}.{index}.type", f"A trigger's type is one of: {allowed}.")
        condition = row.get("condition") or {}
        if not isinstance(condition, dict):
            problems.add(f"{base}.{index}.condition", "A trigger's condition is an object.")
            condition = {}
        triggers.append(AutomationTrigger(type=kind, condition=condition))
    return triggers


def _workflow(value, problems: _Problems, templates: list) -> list[WorkflowStep]:
    base = "automation.workflow"
    steps, ids = [], set()
    for index, row in enumerate(_rows(value, base, problems)):
        here = f"{base}.{index}"
        step_id = str(row.get("step_id") or "").strip()
        if not step_id or len(step_id) > STEP_ID_MAX:
            problems.add(f"{here}.stepId", f"A step needs an id of 1 to {STEP_ID_MAX} characters.")
        elif step_id in ids:
            problems.add(f"{here}.stepId", f"Two steps have the id “{step_id}”.")
        ids.add(step_id)
        delay = _small_int(
            row.get("delay_hours", 0),
            f"{here}.delayHours",
            problems,
            low=0,
            high=DELAY_HOURS_MAX,
            label="The delay",
        )
        conditions = row.get("conditions") or []
        if not isinstance(conditions, list):
            problems.add(f"{here}.conditions", "A step's conditions are a list.")
            conditions = []
        steps.append(
            WorkflowStep(
                step_id=step_id,
                position=row.get("position", index),
                delay_hours=delay or 0,
                message=_message(row.get("message"), f"{here}.message", problems, templates),
                conditions=conditions,
            )
        )
    return steps


def _check_message_templates(account: Account, refs: list, problems: _Problems) -> None:
    if not refs:
        return
    wanted = {}
    for path, raw in refs:
        pk = _one_id(raw, path, problems)
        if pk is not None:
            wanted[path] = pk
    found = set(
        MessageTemplate.objects.for_account(account)
        .filter(pk__in=set(wanted.values()))
        .values_list("pk", flat=True)
    )
    for path, pk in wanted.items():
        if pk not in found:
            problems.add(path, f"Message template {pk} does not exist.")


def _child_state(rows, fields: tuple[str, ...]) -> list[tuple]:
    return [tuple(getattr(row, f) for f in fields) for row in rows]


CHILDREN = {
    "variants": (Variant, ("key", "name", "message", "split_percentage", "is_winner")),
    "triggers": (AutomationTrigger, ("type", "condition")),
    "workflow": (WorkflowStep, ("step_id", "position", "delay_hours", "message", "conditions")),
}


def _write_children(campaign: Campaign, relations: dict, creating: bool) -> list[str]:
    changed = []
    for key, manager in (("segment_ids", "segments"), ("exclude_segment_ids", "exclude_segments")):
        if key in relations:
            wanted = relations[key]
            current = (
                set() if creating else set(getattr(campaign, manager).values_list("pk", flat=True))
            )
            if current != set(wanted):
                getattr(campaign, manager).set(wanted)
                changed.append(key)
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
        model.objects.bulk_create(rows)
        if rows or not creating:
            changed.append(key)
    return changed
