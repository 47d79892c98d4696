"""The rows a campaign refers to and the rows beside it, as the crud service reads them.

Every referenced id (sender, template, segments, the templates of variants and steps) is
looked up within the account, so another account's id is a problem, not a link; variants,
triggers and workflow steps are built as unsaved rows for ``writes`` to store.
"""

from typing import Any, Literal, TypedDict

from accounts.models import Account
from audience.models import Segment
from campaigns.models import AutomationTrigger, Variant, WorkflowStep
from campaigns.services.crud.fields import FIELD_PATHS, Problems
from campaigns.validation import (
    DELAY_HOURS_MAX,
    STEP_ID_MAX,
    VARIANT_KEY_MAX,
    VARIANT_NAME_MAX,
    button_problems,
    splits_problem,
)
from core import urlguard
from messaging.models import Sender
from templates_app.models import MessageTemplate

# The keys of ``Relations`` by what they hold, so callers can loop over a group of them.
Reference = Literal["sender", "template"]
SegmentKey = Literal["segment_ids", "exclude_segment_ids"]
ChildKey = Literal["variants", "triggers", "workflow"]
SEGMENT_KEYS: tuple[SegmentKey, ...] = ("segment_ids", "exclude_segment_ids")


class Relations(TypedDict, total=False):
    """Only the keys that ``values`` gave are set, so a partial update leaves the rest alone."""

    sender: Sender | None
    template: MessageTemplate | None
    segment_ids: list[int]
    exclude_segment_ids: list[int]
    variants: list[Variant]
    triggers: list[AutomationTrigger]
    workflow: list[WorkflowStep]


def _ids(value: object, path: str, problems: Problems) -> list[int]:
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


def _one_id(value: Any, path: str, problems: Problems) -> int | None:
    """``value`` is as wide as what is handed over: ``int()`` is the check, and what it cannot
    read is a problem."""
    if value in (None, ""):
        return None
    try:
        return int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        problems.add(path, f"“{value}” is not an id.")
        return None


def resolve_relations(account: Account, values: dict[str, Any], problems: Problems) -> Relations:
    """Look up every referenced row within the account; unknown ids are problems."""
    relations: Relations = {}
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

    for key in SEGMENT_KEYS:
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


def _rows(value: object, path: str, problems: Problems) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(row, dict) for row in value):
        problems.add(path, "Give a list of objects.")
        return []
    return list(value)


def _message(
    value: object, path: str, problems: Problems, templates: list[tuple[str, object]]
) -> dict[str, Any]:
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


def _small_int(
    value: Any, path: str, problems: Problems, *, low: int, high: int, label: str
) -> int | None:
    """``value`` is as wide as what is handed over: ``int()`` is the check, and what it cannot
    read is a problem."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        problems.add(path, f"{label} must be a whole number.")
        return None
    if not low <= number <= high or (isinstance(value, float) and value != number):
        problems.add(path, f"{label} must be between {low} and {high}.")
        return None
    return number


def _variants(
    value: object, problems: Problems, templates: list[tuple[str, object]]
) -> list[Variant]:
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


def _triggers(value: object, problems: Problems) -> list[AutomationTrigger]:
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
        triggers.append(AutomationTrigger(type=str(kind or ""), condition=condition))
    return triggers


def _workflow(
    value: object, problems: Problems, templates: list[tuple[str, object]]
) -> list[WorkflowStep]:
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


def _check_message_templates(
    account: Account, refs: list[tuple[str, object]], problems: Problems
) -> None:
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
