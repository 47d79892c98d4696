"""A plain-Python reading of the filter grammar: the reference the compiled SQL is tested against.

Deliberately naive (one contact at a time, data loaded up front): it exists so the property
test can say "the query selects exactly the contacts this function selects". Never used to
filter contacts in a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from audience.filters import grammar as g
from audience.filters.compile import ENGAGEMENT_EVENT_TYPES
from audience.filters.validate import Condition, FilterContext, Group, filters_parse

DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass
class ContactRow:
    id: int
    phone: str | None
    email: str
    first_name: str
    last_name: str
    country: str
    timezone: str
    subscribed: bool
    created_at: datetime
    attributes: dict
    tags: set[str] = field(default_factory=set)
    # (type, campaign_id, occurred_at) of the contact's events in the account
    events: list[tuple[str, int | None, datetime]] = field(default_factory=list)


def contact_rows(account) -> list[ContactRow]:
    """Every contact of the account with its tags and events, for the reference evaluation."""
    from analytics.models import Event
    from audience.models import Contact

    rows = {
        c.pk: ContactRow(
            id=c.pk,
            phone=c.phone,
            email=c.email,
            first_name=c.first_name,
            last_name=c.last_name,
            country=c.country,
            timezone=c.timezone,
            subscribed=c.subscribed,
            created_at=c.created_at,
            attributes=c.attributes or {},
        )
        for c in Contact.objects.for_account(account)
    }
    through = Contact.tags.through.objects.filter(contact__account=account)
    for contact_id, name in through.values_list("contact_id", "tag__name"):
        rows[contact_id].tags.add(name)
    events = Event.objects.for_account(account).filter(contact__isnull=False)
    for contact_id, kind, campaign_id, at in events.values_list(
        "contact_id", "type", "campaign_id", "occurred_at"
    ):
        rows[contact_id].events.append((kind, campaign_id, at))
    return list(rows.values())


def filters_evaluate(tree: Any, rows: list[ContactRow], *, account, now: datetime) -> set[int]:
    """Ids of the rows that ``tree`` selects."""
    context = FilterContext(account=account, now=now)
    group = filters_parse(tree, context=context)
    return {row.id for row in rows if evaluate_group(group, row, context)}


def evaluate_group(group: Group, row: ContactRow, context: FilterContext) -> bool:
    results = (_node(child, row, context) for child in group.children)
    result = all(results) if group.op == "and" else any(results)
    return not result if group.negate else result


def _node(node, row: ContactRow, context: FilterContext) -> bool:
    if isinstance(node, Group):
        return evaluate_group(node, row, context)
    return _condition(node, row, context)


def _typed_attribute(row: ContactRow, key: str, kind: str):
    value = row.attributes.get(key)
    if kind == g.TEXT:
        return value if isinstance(value, str) else None
    if kind == g.NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return float(value) if ok else None
    if kind == g.DATE:
        return value if isinstance(value, str) and DATE_TEXT.match(value) else None
    return value if isinstance(value, bool) else None


def _condition(cond: Condition, row: ContactRow, context: FilterContext) -> bool:
    kind, op, value = cond.spec.type, cond.operator, cond.value
    if kind == g.TAGS:
        wanted = set(value)
        if op == "has_any":
            return bool(row.tags & wanted)
        if op == "has_all":
            return wanted <= row.tags
        return not row.tags & wanted
    if kind == g.SEGMENT:
        inside = evaluate_group(value.tree, row, context)
        return inside if op == "in_segment" else not inside
    if kind == g.ENGAGEMENT:
        types = ENGAGEMENT_EVENT_TYPES[op]
        for event_type, campaign_id, at in row.events:
            if event_type not in types:
                continue
            if "campaign_id" in value and campaign_id == value["campaign_id"]:
                return True
            if "within_days" in value and at >= context.now - timedelta(days=value["within_days"]):
                return True
        return False
    if cond.key:
        actual = _typed_attribute(row, cond.key, kind)
        return _compare(kind, op, value, actual, context, blank_is_missing=False)
    actual = getattr(row, cond.spec.column)
    if kind == g.DATE:
        actual = actual.astimezone(context.tz).date().isoformat()
    return _compare(kind, op, value, actual, context, blank_is_missing=True)


def _date_iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else value


def _compare(kind, op, value, actual, context: FilterContext, *, blank_is_missing: bool) -> bool:
    present = actual is not None
    if op == "exists":
        return present and not (blank_is_missing and actual == "")
    if op == "not_exists":
        return not present or (blank_is_missing and actual == "")
    if op == "is_empty":
        return not present or actual == ""
    if op == "neq":
        return not (present and actual == value)
    if op == "not_contains":
        return not (present and value.lower() in actual.lower())
    if op == "not_in":
        return not (present and actual in value)
    if not present:
        return False
    if op == "eq":
        return actual == value
    if op == "contains":
        return value.lower() in actual.lower()
    if op == "starts_with":
        return actual.lower().startswith(value.lower())
    if op == "ends_with":
        return actual.lower().endswith(value.lower())
    if op == "in":
        return actual in value
    if kind == g.NUMBER:
        if op == "gt":
            return actual > value
        if op == "gte":
            return actual >= value
        if op == "lt":
            return actual < value
        if op == "lte":
            return actual <= value
        if op == "between":
            return value[0] <= actual <= value[1]
    if kind == g.DATE:
        today = context.today
        if op == "before":
            return actual < _date_iso(value)
        if op == "after":
            return actual > _date_iso(value)
        if op == "between":
            return _date_iso(value[0]) <= actual <= _date_iso(value[1])
        if op == "within_last_days":
            return (today - timedelta(days=value)).isoformat() <= actual <= today.isoformat()
        if op == "more_than_days_ago":
            return actual < (today - timedelta(days=value)).isoformat()
    raise AssertionError((kind, op))  # pragma: no cover
