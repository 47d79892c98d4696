"""Checks a filter tree against the grammar and turns it into typed nodes.

Every problem names the rule the marketer sees ("Rule 2.1") and the JSON path of the rule
("filters.rules.1.rules.0"), so the builder can show it inline and the API can answer 422.
The compiler and the plain-Python evaluator both walk the nodes produced here, never raw JSON.
"""

from __future__ import annotations

import math
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from audience import ports
from audience.filters import grammar as g
from audience.models import AttributeDefinition, Segment
from core.errors import ValidationFailed
from core.schemas import MAX_ID
from core.text import text_problem

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Group:
    op: str
    negate: bool
    children: list[Group | Condition]
    label: str = ""


@dataclass
class Condition:
    spec: g.FieldSpec
    operator: str
    value: Any
    label: str
    key: str = ""  # the attribute key for attributes.<key>


@dataclass
class SegmentRef:
    id: int
    name: str
    tree: Group


@dataclass
class FilterContext:
    """What a tree is checked and compiled against: the account, its clock and its catalogue."""

    account: Any
    now: datetime = field(default_factory=timezone.now)
    _definitions: dict[str, str] | None = None

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.account.timezone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def definitions(self) -> dict[str, str]:
        if self._definitions is None:
            self._definitions = dict(
                AttributeDefinition.objects.for_account(self.account).values_list("key", "type")
            )
        return self._definitions

    def segment(self, segment_id: int) -> Segment | None:
        return Segment.objects.for_account(self.account).filter(pk=segment_id).first()

    def campaign_exists(self, campaign_id: int) -> bool:
        return ports.campaign_directory.get().campaign_exists(
            account=self.account, campaign_id=campaign_id
        )


class _Problems:
    def __init__(self):
        self.items: list[dict] = []

    def add(self, path: str, message: str) -> None:
        self.items.append({"field": path, "message": message})


class _Invalid(Exception):
    """One rule's value is unusable; caught per rule so the others are still checked."""


def filters_parse(
    tree: Any,
    *,
    context: FilterContext,
    path: str = "filters",
    segment_id: int | None = None,
) -> Group:
    """The typed form of ``tree``, or ``ValidationFailed`` listing every problem found.

    ``segment_id`` is the segment whose filters these are (when editing one), so a reference
    back to it is reported as a cycle.
    """
    problems = _Problems()
    chain = (segment_id,) if segment_id is not None else ()
    parser = _Parser(context, problems)
    result = parser.tree(tree, path=path, chain=chain)
    if problems.items:
        first = problems.items[0]["message"]
        more = len(problems.items) - 1
        message = first if not more else f"{first} (and {more} more problem{'s' * (more > 1)})"
        raise ValidationFailed(message, extra={"problems": problems.items})
    return result


class _Parser:
    def __init__(self, context: FilterContext, problems: _Problems):
        self.context = context
        self.problems = problems
        self.count = 0

    def tree(self, tree: Any, *, path: str, chain: tuple) -> Group:
        if tree is None or tree == {}:
            return Group(op="and", negate=False, children=[])
        if not isinstance(tree, dict):
            self.problems.add(path, "The filter must be an object with 'op' and 'rules'.")
            return Group(op="and", negate=False, children=[])
        return self.group(tree, path=path, label="", depth=1, chain=chain)

    def group(self, node: dict, *, path: str, label: str, depth: int, chain: tuple) -> Group:
        where = f"{label or 'Filter'}: "
        op = node.get("op", "and")
        if op not in ("and", "or"):
            self.problems.add(path, f"{where}a group's op must be 'and' or 'or', not {op!r}.")
            op = "and"
        negate = node.get("not", False)
        if not isinstance(negate, bool):
            self.problems.add(path, f"{where}'not' must be true or false.")
            negate = False
        rules = node.get("rules", [])
        if not isinstance(rules, list):
            self.problems.add(path, f"{where}'rules' must be a list.")
            rules = []
        if label and not rules:
            self.problems.add(path, f"{label}: the group has no rules.")
        if depth > g.MAX_DEPTH:
            self.problems.add(
                path,
                f"{label}: groups are nested {depth} levels deep; at most {g.MAX_DEPTH} "
                "are allowed.",
            )
            return Group(op=op, negate=negate, children=[], label=label)
        children: list[Group | Condition] = []
        for index, rule in enumerate(rules):
            child_label = f"{label}.{index + 1}" if label else f"Rule {index + 1}"
            child_path = f"{path}.rules.{index}"
            self.count += 1
            if self.count == g.MAX_RULES + 1:
                self.problems.add(
                    child_path, f"{child_label}: a filter may hold at most {g.MAX_RULES} rules."
                )
            if not isinstance(rule, dict):
                self.problems.add(child_path, f"{child_label}: a rule must be an object.")
                continue
            if "rules" in rule or ("op" in rule and "field" not in rule):
                children.append(
                    self.group(
                        rule, path=child_path, label=child_label, depth=depth + 1, chain=chain
                    )
                )
            else:
                condition = self.condition(rule, path=child_path, label=child_label, chain=chain)
                if condition is not None:
                    children.append(condition)
        return Group(op=op, negate=negate, children=children, label=label)

    def condition(self, rule: dict, *, path: str, label: str, chain: tuple) -> Condition | None:
        name = rule.get("field")
        operator = rule.get("operator")
        if not isinstance(name, str) or not name:
            self.problems.add(path, f"{label}: choose a field.")
            return None
        spec, key = self.field(name)
        if spec is None:
            self.problems.add(path, f"{label}: unknown field '{name}'.")
            return None
        if not isinstance(operator, str) or not operator:
            self.problems.add(path, f"{label}: choose an operator for '{name}'.")
            return None
        if operator not in g.operators_for(spec):
            type_name = "tags" if spec.type == g.TAGS else f"{spec.type} field"
            if spec.type in (g.SEGMENT, g.ENGAGEMENT):
                type_name = f"{spec.type} field"
            self.problems.add(
                path,
                f"{label}: operator '{operator}' does not apply to {type_name} '{name}'.",
            )
            return None
        try:
            value = self.value(spec, operator, rule.get("value"), label=label, chain=chain)
        except _Invalid as exc:
            self.problems.add(path, f"{label}: {exc}")
            return None
        return Condition(spec=spec, operator=operator, value=value, label=label, key=key)

    def field(self, name: str) -> tuple[g.FieldSpec | None, str]:
        if name.startswith(g.ATTRIBUTE_PREFIX):
            key = name[len(g.ATTRIBUTE_PREFIX) :]
            kind = self.context.definitions.get(key)
            if kind is None:
                return None, ""
            return g.FieldSpec(name, key, kind), key
        return g.BUILTIN_FIELDS.get(name), ""

    # --- values -----------------------------------------------------------------------------

    def value(self, spec: g.FieldSpec, operator: str, value: Any, *, label: str, chain: tuple):
        if operator in g.VALUELESS:
            return None
        kind = spec.type
        if kind == g.TEXT:
            if operator in ("in", "not_in"):
                return _text_list(value)
            text = _text(value)
            if operator in ("contains", "not_contains", "starts_with", "ends_with") and not text:
                raise _Invalid(f"'{operator}' needs some text to look for.")
            return text
        if kind == g.NUMBER:
            if operator == "between":
                low, high = _pair(value, _number)
                if low > high:
                    raise _Invalid(f"'between' needs the lower bound first ({low} > {high}).")
                return (low, high)
            return _number(value)
        if kind == g.DATE:
            if operator == "between":
                start, end = _pair(value, _date)
                if start > end:
                    raise _Invalid(f"'between' needs the earlier date first ({start} > {end}).")
                return (start, end)
            if operator in ("within_last_days", "more_than_days_ago"):
                return _days(value)
            return _date(value)
        if kind == g.BOOLEAN:
            return _boolean(value)
        if kind == g.TAGS:
            return _text_list(value, what="tag names")
        if kind == g.SEGMENT:
            return self.segment_ref(value, chain=chain)
        if kind == g.ENGAGEMENT:
            return self.engagement(value)
        raise _Invalid(f"unsupported field type {kind!r}.")  # pragma: no cover

    def segment_ref(self, value: Any, *, chain: tuple) -> SegmentRef:
        segment_id = _integer(value, what="a segment id")
        segment = self.context.segment(segment_id)
        if segment is None:
            raise _Invalid(f"segment {segment_id} does not exist.")
        if segment.pk in chain:
            raise _Invalid(f"segment '{segment.name}' refers back to itself (a cycle).")
        if len(chain) >= g.MAX_SEGMENT_CHAIN:
            raise _Invalid(
                f"segments refer to each other more than {g.MAX_SEGMENT_CHAIN} levels deep."
            )
        inner = _Problems()
        parser = _Parser(self.context, inner)
        tree = parser.tree(segment.filters, path="filters", chain=(*chain, segment.pk))
        if inner.items:
            raise _Invalid(f"segment '{segment.name}' cannot be used: {inner.items[0]['message']}")
        return SegmentRef(id=segment.pk, name=segment.name, tree=tree)

    def engagement(self, value: Any) -> dict:
        if not isinstance(value, dict) or len(value.keys() & {"campaignId", "withinDays"}) != 1:
            raise _Invalid(
                'an engagement rule needs either {"campaignId": N} or {"withinDays": N}.'
            )
        if "campaignId" in value:
            campaign_id = _integer(value["campaignId"], what="a campaign id")
            if not self.context.campaign_exists(campaign_id):
                raise _Invalid(f"campaign {campaign_id} does not exist.")
            return {"campaign_id": campaign_id}
        return {"within_days": _days(value["withinDays"], minimum=1)}


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid("the value must be text.")
    text = str(value)
    if len(text) > g.MAX_TEXT_LENGTH:
        raise _Invalid(f"the value is longer than {g.MAX_TEXT_LENGTH} characters.")
    problem = text_problem(text)  # NUL or a lone surrogate: no database can compare it
    if problem:
        raise _Invalid(problem[0].lower() + problem[1:])
    return text


def _text_list(value: Any, *, what: str = "values") -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _Invalid(f"give a list of {what}.")
    if len(value) > g.MAX_LIST_VALUES:
        raise _Invalid(f"at most {g.MAX_LIST_VALUES} {what} are allowed.")
    items = [_text(v) for v in value]
    if what == "tag names" and not all(items):
        raise _Invalid("tag names cannot be empty.")
    return list(dict.fromkeys(items))


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise _Invalid("the value must be a number.")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise _Invalid(f"'{value}' is not a number.") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise _Invalid("the value must be a number.")
    return float(value)


def _integer(value: Any, *, what: str) -> int:
    if isinstance(value, bool):
        raise _Invalid(f"the value must be {what}.")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise _Invalid(f"the value must be {what}.")
    return value


def _days(value: Any, *, minimum: int = 0) -> int:
    days = _integer(value, what="a whole number of days")
    if not minimum <= days <= g.MAX_DAYS:
        raise _Invalid(f"the number of days must be between {minimum} and {g.MAX_DAYS}.")
    return days


def _date(value: Any) -> date:
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise _Invalid("the value must be a date written YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Invalid(f"'{value}' is not a real date.") from None


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _Invalid("the value must be true or false.")


def _pair(value: Any, convert):
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise _Invalid("'between' needs two values: [from, to].")
    return convert(value[0]), convert(value[1])
