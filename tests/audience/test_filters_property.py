"""Property: over random trees and random contacts, the compiled query selects exactly the
contacts the plain-Python evaluation selects (run on SQLite and on PostgreSQL by CI's legs).

Values come from small domains so that rules often hit, miss and tie; contacts carry
mistyped and blank attributes on purpose, since that is where SQL's NULLs would bite.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.models import Event
from audience.filters.grammar import BUILTIN_FIELDS, operators_for
from audience.models import AttributeDefinition, Contact, Segment, Tag
from audience.selectors import contacts_matching
from tests.audience.oracle import contact_rows, filters_evaluate
from tests.factories import AttributeDefinitionFactory, CampaignFactory

NOW = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)  # a DST night in Europe/Paris
T = AttributeDefinition.Type
WORDS = ["", "a", "A", "ab", "Ba", "abc", "b%", "x_y"]
NEEDLES = ["a", "B", "ab", "%", "_", "z"]
COUNTRIES = ["FR", "US", "GB", ""]
TAGS = ["t1", "t2", "t3"]
NUMBERS = [-1, 0, 0.5, 1, 2, 3]
DAYS = ["2025-03-01", "2025-03-28", "2025-03-29", "2025-03-30", "2025-04-02", "2024-12-31"]
ATTRIBUTES = {"city": T.TEXT, "age": T.NUMBER, "vip": T.BOOLEAN, "day": T.DATE}


def _maybe(strategy):
    """An attribute value: absent, JSON null, of the right type, or of a wrong type."""
    return st.one_of(st.just(_ABSENT), st.none(), strategy, st.sampled_from([7, "x", True]))


_ABSENT = object()

contact_strategy = st.fixed_dictionaries(
    {
        "phone_kind": st.sampled_from([None, "+3361", "+1415"]),
        "email": st.sampled_from(["", "a@x.io", "B@x.io", "ab@y.io"]),
        "first_name": st.sampled_from(WORDS),
        "last_name": st.sampled_from(WORDS),
        "country": st.sampled_from(COUNTRIES),
        "timezone": st.sampled_from(["Europe/Paris", "UTC", ""]),
        "subscribed": st.booleans(),
        "age_hours": st.integers(min_value=0, max_value=24 * 40),
        "tags": st.sets(st.sampled_from(TAGS)),
        "city": _maybe(st.sampled_from(WORDS)),
        "age": _maybe(st.sampled_from(NUMBERS)),
        "vip": _maybe(st.booleans()),
        "day": _maybe(st.sampled_from([*DAYS, "soon"])),
        "events": st.lists(
            st.tuples(
                st.sampled_from(["sent", "delivered", "clicked", "converted", "failed"]),
                st.booleans(),  # in the first campaign?
                st.integers(min_value=0, max_value=20),  # days ago
            ),
            max_size=2,
        ),
    }
)


def _value(kind: str, operator: str, draw):
    if operator in ("exists", "not_exists", "is_empty"):
        return None
    if kind == "text":
        if operator in ("in", "not_in"):
            return draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))
        if operator in ("eq", "neq"):
            return draw(st.sampled_from(WORDS + COUNTRIES))
        return draw(st.sampled_from(NEEDLES))
    if kind == "number":
        if operator == "between":
            return sorted(draw(st.lists(st.sampled_from(NUMBERS), min_size=2, max_size=2)))
        return draw(st.sampled_from(NUMBERS))
    if kind == "date":
        if operator == "between":
            return sorted(draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=2)))
        if operator in ("within_last_days", "more_than_days_ago"):
            return draw(st.integers(min_value=0, max_value=35))
        return draw(st.sampled_from(DAYS))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "tags":
        return draw(st.lists(st.sampled_from([*TAGS, "t9"]), min_size=1, max_size=3))
    if kind == "engagement":
        if draw(st.booleans()):
            return {"withinDays": draw(st.integers(min_value=1, max_value=25))}
        return {"campaignId": "CAMPAIGN"}
    raise AssertionError(kind)


FIELD_TYPES = {
    **{name: spec.type for name, spec in BUILTIN_FIELDS.items() if name != "segment"},
    **{f"attributes.{key}": kind for key, kind in ATTRIBUTES.items()},
}
OPERATORS = {
    **{name: operators_for(spec) for name, spec in BUILTIN_FIELDS.items()},
    **{f"attributes.{key}": None for key in ATTRIBUTES},
}


@st.composite
def leaf(draw):
    if draw(st.integers(min_value=0, max_value=12)) == 0:
        operator = draw(st.sampled_from(["in_segment", "not_in_segment"]))
        return {"field": "segment", "operator": operator, "value": "SEGMENT"}
    field = draw(st.sampled_from(sorted(FIELD_TYPES)))
    kind = FIELD_TYPES[field]
    from audience.filters.grammar import OPERATORS as BY_TYPE

    operators = OPERATORS.get(field) or BY_TYPE[kind]
    operator = draw(st.sampled_from(operators))
    rule = {"field": field, "operator": operator}
    value = _value(kind, operator, draw)
    if value is not None:
        rule["value"] = value
    return rule


def _group(children):
    return st.fixed_dictionaries(
        {
            "op": st.sampled_from(["and", "or"]),
            "not": st.booleans(),
            "rules": st.lists(children, min_size=1, max_size=3),
        }
    )


trees = _group(st.recursive(leaf(), _group, max_leaves=6))


def _fill(node, segment_id, campaign_id):
    if "rules" in node:
        for child in node["rules"]:
            _fill(child, segment_id, campaign_id)
    elif node.get("value") == "SEGMENT":
        node["value"] = segment_id
    elif isinstance(node.get("value"), dict) and node["value"].get("campaignId") == "CAMPAIGN":
        node["value"] = {"campaignId": campaign_id}


def _create(account, campaigns, index, data):
    attributes = {key: data[key] for key in ATTRIBUTES if data[key] is not _ABSENT}
    phone = f"{data['phone_kind']}{index:07d}" if data["phone_kind"] else None
    contact = Contact.objects.create(
        account=account,
        phone=phone,
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        country=data["country"],
        timezone=data["timezone"],
        subscribed=data["subscribed"],
        attributes=attributes,
    )
    Contact.objects.filter(pk=contact.pk).update(
        created_at=NOW - timedelta(hours=data["age_hours"])
    )
    tags = {t.name: t for t in Tag.objects.for_account(account)}
    contact.tags.set([tags[name] for name in data["tags"]])
    Event.objects.bulk_create(
        Event(
            account=account,
            campaign=campaigns[0] if first else campaigns[1],
            contact=contact,
            type=kind,
            occurred_at=NOW - timedelta(days=days),
        )
        for kind, first, days in data["events"]
    )


@pytest.fixture
def prepared(account, other_account):
    account.timezone = "Europe/Paris"
    account.save(update_fields=["timezone"])
    for key, kind in ATTRIBUTES.items():
        AttributeDefinitionFactory(account=account, key=key, type=kind)
    for name in TAGS:
        Tag.objects.create(account=account, name=name)
    campaigns = [CampaignFactory(account=account), CampaignFactory(account=account)]
    # a rival contact that matches nearly anything
    Contact.objects.create(account=other_account, phone="+33699999999", country="FR")
    return account, campaigns


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    contacts=st.lists(contact_strategy, min_size=1, max_size=7),
    tree=trees,
    segment_tree=trees,
)
def test_compiled_query_matches_python_evaluation(prepared, contacts, tree, segment_tree):
    account, campaigns = prepared
    with transaction.atomic():
        # given
        for index, data in enumerate(contacts):
            _create(account, campaigns, index, data)
        _strip_segments(segment_tree)
        _fill(segment_tree, None, campaigns[0].pk)
        segment = Segment.objects.create(account=account, name="S", filters=segment_tree)
        _fill(tree, segment.pk, campaigns[0].pk)
        # when
        compiled = set(
            contacts_matching(account=account, filters=tree, now=NOW).values_list("pk", flat=True)
        )
        expected = filters_evaluate(tree, contact_rows(account), account=account, now=NOW)
        # then
        assert compiled == expected, tree
        transaction.set_rollback(True)


def _strip_segments(node):
    """A segment's own tree may not name a segment (there is only one to name)."""
    if "rules" in node:
        node["rules"] = [child for child in node["rules"] if child.get("field") != "segment"] or [
            {"field": "country", "operator": "eq", "value": "FR"}
        ]
        for child in node["rules"]:
            _strip_segments(child)
