"""Filter trees as sentences a marketer reads.

``{"op": "and", "rules": [city = Paris, {"op": "or", "rules": [lifetime_value > 100,
tags has vip]}]}`` reads "City is Paris and (Lifetime value is more than 100 or has tag vip)".

It walks the raw JSON rather than the validator's typed nodes on purpose: a page must still
describe a tree that the grammar would now refuse (an attribute or a segment deleted since),
so whatever cannot be read is said plainly inside the sentence instead of failing the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from audience import ports
from audience.filters import grammar as g

if TYPE_CHECKING:
    from accounts.models import Account

MAX_LISTED = 10  # values of a list shown before "and N more"


@dataclass
class FilterNames:
    """What a sentence needs to name things: attribute labels and types, segment and
    campaign names. Loaded once per tree (``filter_names``) so describing is query-free."""

    attributes: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (label, type)
    segments: dict[int, str] = field(default_factory=dict)
    campaigns: dict[int, str] = field(default_factory=dict)


def filter_names(*, account: Account, trees: Iterable[Any]) -> FilterNames:
    """The names the ``trees`` refer to within ``account``: three small queries at most."""
    from audience.models import AttributeDefinition, Segment

    segment_ids: set[int] = set()
    campaign_ids: set[int] = set()
    for tree in trees:
        _collect_ids(tree, segment_ids, campaign_ids)
    names = FilterNames(
        attributes={
            key: (label or key, kind)
            for key, label, kind in AttributeDefinition.objects.for_account(account).values_list(
                "key", "label", "type"
            )
        }
    )
    if segment_ids:
        names.segments = dict(
            Segment.objects.for_account(account)
            .filter(pk__in=segment_ids)
            .values_list("pk", "name")
        )
    if campaign_ids:
        # Engagement rules name campaigns.
        names.campaigns = ports.campaign_directory.get().campaign_names(
            account=account, campaign_ids=campaign_ids
        )
    return names


def filters_describe(
    tree: Any, *, names: FilterNames | None = None, account: Account | None = None
) -> str:
    """The whole tree as one sentence, capitalised. Give ``names`` (or the ``account`` to
    load them from); without either, attributes and segments are named by key and id."""
    if names is None:
        names = filter_names(account=account, trees=[tree]) if account else FilterNames()
    if not isinstance(tree, dict) or not tree:
        return "Every contact"
    text = _group(tree, names, root=True)
    return text[:1].upper() + text[1:]


# --- groups ---------------------------------------------------------------------------------


def _is_group(node: dict) -> bool:
    return "rules" in node or ("op" in node and "field" not in node)


def _group(node: dict, names: FilterNames, *, root: bool = False) -> str:
    op = "or" if node.get("op") == "or" else "and"
    rules = node.get("rules") if isinstance(node.get("rules"), list) else []
    negate = node.get("not") is True
    if not rules:
        # An empty "all of" matches everyone, an empty "any of" no one (as the compiler says).
        everyone = (op == "and") != negate
        return "every contact" if everyone else "no contact"
    parts = []
    for child in rules:
        if isinstance(child, dict) and _is_group(child):
            inner = _group(child, names)
            nested = child.get("rules")
            if not isinstance(nested, list):
                nested = []
            if len(nested) > 1 and child.get("not") is not True:
                inner = f"({inner})"
            parts.append(inner)
        else:
            parts.append(_rule(child, names))
    text = f" {op} ".join(parts)
    if negate:
        return f"not ({text})"
    return text


# --- rules ----------------------------------------------------------------------------------


def _rule(rule, names: FilterNames) -> str:
    if not isinstance(rule, dict):
        return "an unreadable rule"
    name = rule.get("field")
    operator = rule.get("operator")
    value = rule.get("value")
    if not isinstance(name, str) or not name:
        return "a rule with no field chosen"
    label, kind = _field(name, names)
    if kind is None:
        return f"{label} {_op_words(operator)} {_plain(value)}".strip()
    if operator not in g.OPERATORS[kind]:
        return f"{label} {_op_words(operator)} {_plain(value)}".strip()
    if kind == g.TAGS:
        return _tags(operator, value)
    if kind == g.SEGMENT:
        return _segment(operator, value, names)
    if kind == g.ENGAGEMENT:
        return _engagement(operator, value, names)
    return f"{label} {_comparison(kind, operator, value)}"


def _field(name: str, names: FilterNames) -> tuple[str, str | None]:
    if name.startswith(g.ATTRIBUTE_PREFIX):
        key = name[len(g.ATTRIBUTE_PREFIX) :]
        if key in names.attributes:
            return names.attributes[key]
        return f"{key} (an unknown attribute)", None
    spec = g.BUILTIN_FIELDS.get(name)
    if spec is None:
        return f"{name} (an unknown field)", None
    return spec.label, spec.type


def _op_words(operator) -> str:
    return g.OPERATOR_LABELS.get(operator, "(no operator chosen)") if operator else ""


COMPARISONS = {
    "eq": "is {}",
    "neq": "is not {}",
    "contains": "contains {}",
    "not_contains": "does not contain {}",
    "starts_with": "starts with {}",
    "ends_with": "ends with {}",
    "in": "is one of {}",
    "not_in": "is none of {}",
    "exists": "has a value",
    "not_exists": "has no value",
    "is_empty": "is empty",
    "gt": "is more than {}",
    "gte": "is at least {}",
    "lt": "is less than {}",
    "lte": "is at most {}",
    "between": "is between {} and {}",
    "before": "is before {}",
    "after": "is after {}",
    "within_last_days": "is within the last {}",
    "more_than_days_ago": "is more than {} ago",
}
QUOTED = frozenset({"contains", "not_contains", "starts_with", "ends_with"})


def _comparison(kind: str, operator: str, value) -> str:
    phrase = COMPARISONS[operator]
    if operator in g.VALUELESS:
        return phrase
    if operator == "between":
        low, high = value if isinstance(value, list | tuple) and len(value) == 2 else (value, "?")
        return phrase.format(_scalar(kind, low), _scalar(kind, high))
    if operator in ("within_last_days", "more_than_days_ago"):
        return phrase.format(_days(value))
    if operator in ("in", "not_in"):
        return phrase.format(_listed(value))
    if operator in QUOTED:
        return phrase.format(f"“{_plain(value)}”")
    return phrase.format(_scalar(kind, value))


def _tags(operator: str, value) -> str:
    tags = [str(v) for v in value] if isinstance(value, list) else [_plain(value)]
    if len(tags) == 1:
        return {
            "has_any": "has tag {}",
            "has_all": "has tag {}",
            "has_none": "does not have tag {}",
        }[operator].format(tags[0])
    return {
        "has_any": "has any of the tags {}",
        "has_all": "has all of the tags {}",
        "has_none": "has none of the tags {}",
    }[operator].format(_listed(tags))


def _segment(operator: str, value, names: FilterNames) -> str:
    segment = _named(value, names.segments, "segment")
    if operator == "in_segment":
        return f"is in segment {segment}"
    return f"is not in segment {segment}"


ENGAGEMENT_DAYS = {
    "received": "received a message in the last {}",
    "clicked": "clicked a link in the last {}",
    "converted": "converted in the last {}",
}
ENGAGEMENT_CAMPAIGN = {
    "received": "received a message from campaign {}",
    "clicked": "clicked a link in campaign {}",
    "converted": "converted after campaign {}",
}


def _engagement(operator: str, value, names: FilterNames) -> str:
    if isinstance(value, dict) and "campaignId" in value:
        campaign = _named(value["campaignId"], names.campaigns, "campaign")
        return ENGAGEMENT_CAMPAIGN[operator].format(campaign)
    days = value.get("withinDays") if isinstance(value, dict) else None
    return ENGAGEMENT_DAYS[operator].format(_days(days))


# --- values ---------------------------------------------------------------------------------


def _named(value, known: dict[int, str], what: str) -> str:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return f"(no {what} chosen)"
    if pk in known:
        return f"“{known[pk]}”"
    return f"#{pk} (deleted)"


def _scalar(kind: str, value) -> str:
    if kind == g.BOOLEAN:
        if value in (True, "true"):
            return "yes"
        if value in (False, "false"):
            return "no"
    if kind == g.DATE and isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return _plain(value)
        return f"{day.day} {day:%B %Y}"
    return _plain(value)


def _days(value) -> str:
    try:
        days = int(value)
    except (TypeError, ValueError):
        return f"{_plain(value)} days"
    return "1 day" if days == 1 else f"{days} days"


def _listed(value) -> str:
    items = [_plain(v) for v in value] if isinstance(value, list) else [_plain(value)]
    shown = items[:MAX_LISTED]
    more = len(items) - len(shown)
    text = ", ".join(shown)
    return f"{text} and {more} more" if more else text


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value if value else "“”"
    return str(value)


def _collect_ids(node, segment_ids: set[int], campaign_ids: set[int]) -> None:
    if not isinstance(node, dict):
        return
    value: Any = node.get("value")  # JSON; a value that is no id is skipped below
    try:
        if node.get("field") == "segment":
            segment_ids.add(int(value))
        elif node.get("field") == "engagement" and isinstance(value, dict):
            if "campaignId" in value:
                campaign_ids.add(int(value["campaignId"]))
    except (TypeError, ValueError):
        pass
    children = node.get("rules")
    for child in children if isinstance(children, list) else []:
        _collect_ids(child, segment_ids, campaign_ids)
