"""Every way a filter tree is refused, each with a message naming the rule and its path."""

import pytest

from audience.filters import filters_compile
from audience.filters.grammar import MAX_RULES
from audience.models import AttributeDefinition
from core.errors import ValidationFailed
from tests.factories import (
    AttributeDefinitionFactory,
    CampaignFactory,
    SegmentFactory,
)

T = AttributeDefinition.Type


def _problems(tree, account, **kwargs):
    with pytest.raises(ValidationFailed) as info:
        filters_compile(tree, account=account, **kwargs)
    return info.value


def _one(field, operator, value=None, *, wrap=True):
    rule = {"field": field, "operator": operator}
    if value is not None:
        rule["value"] = value
    return {"op": "and", "rules": [rule]}


@pytest.fixture
def typed(account):
    for key, kind in (("city", T.TEXT), ("age", T.NUMBER), ("vip", T.BOOLEAN), ("day", T.DATE)):
        AttributeDefinitionFactory(account=account, key=key, type=kind)
    return account


@pytest.mark.django_db
def test_wrong_operator_names_the_nested_rule_and_its_path(typed):
    # given
    tree = {
        "op": "and",
        "rules": [
            {"field": "country", "operator": "eq", "value": "FR"},
            {"op": "or", "rules": [{"field": "email", "operator": "gt", "value": "x"}]},
        ],
    }
    # when
    error = _problems(tree, typed)
    # then
    assert error.message == "Rule 2.1: operator 'gt' does not apply to text field 'email'."
    assert error.extra["problems"] == [
        {"field": "filters.rules.1.rules.0", "message": error.message}
    ]
    assert error.status_code == 422


REJECTIONS = [
    (_one("shoe_size", "eq", "42"), "Rule 1: unknown field 'shoe_size'."),
    (_one("attributes.nope", "eq", "x"), "Rule 1: unknown field 'attributes.nope'."),
    ({"rules": [{"operator": "eq", "value": "x"}]}, "Rule 1: choose a field."),
    ({"rules": [{"field": "country"}]}, "Rule 1: choose an operator for 'country'."),
    (_one("attributes.age", "contains", "3"), "operator 'contains' does not apply to number"),
    (_one("attributes.vip", "gt", 1), "operator 'gt' does not apply to boolean field"),
    (_one("createdAt", "eq", "2024-01-01"), "operator 'eq' does not apply to date field"),
    (_one("tags", "eq", "vip"), "operator 'eq' does not apply to tags 'tags'"),
    (_one("subscribed", "exists"), "operator 'exists' does not apply to boolean field"),
    (_one("segment", "eq", 1), "operator 'eq' does not apply to segment field"),
    (_one("engagement", "opened", {"withinDays": 3}), "operator 'opened' does not apply"),
    (_one("attributes.age", "gt", "abc"), "Rule 1: 'abc' is not a number."),
    (_one("attributes.age", "gt", True), "Rule 1: the value must be a number."),
    (_one("attributes.age", "between", [5, 1]), "'between' needs the lower bound first"),
    (_one("attributes.age", "between", [5]), "'between' needs two values"),
    (_one("attributes.day", "before", "12/01/2024"), "the value must be a date written YYYY-MM-DD"),
    (_one("attributes.day", "before", "2024-13-01"), "'2024-13-01' is not a real date."),
    (_one("createdAt", "between", ["2024-02-01", "2024-01-01"]), "the earlier date first"),
    (_one("createdAt", "within_last_days", -1), "a whole number of days"),
    (_one("createdAt", "more_than_days_ago", 100000), "between 0 and 36500"),
    (_one("attributes.vip", "eq", "maybe"), "the value must be true or false."),
    (_one("tags", "has_any", []), "give a list of tag names."),
    (_one("tags", "has_all", ["vip", ""]), "tag names cannot be empty."),
    (_one("country", "in", 5), "give a list of values."),
    (_one("country", "eq", {"a": 1}), "the value must be text."),
    (_one("email", "contains", ""), "'contains' needs some text to look for."),
    (_one("email", "eq", "x" * 501), "longer than 500 characters"),
    (_one("segment", "in_segment", 999999), "segment 999999 does not exist."),
    (_one("segment", "in_segment", "abc"), "the value must be a segment id."),
    (_one("engagement", "clicked", {"days": 3}), 'needs either {"campaignId": N}'),
    (_one("engagement", "clicked", {"withinDays": 0}), "between 1 and 36500"),
    (_one("engagement", "clicked", {"campaignId": 999999}), "campaign 999999 does not exist."),
    ({"op": "xor", "rules": []}, "Filter: a group's op must be 'and' or 'or', not 'xor'."),
    ({"op": "and", "not": "yes", "rules": []}, "Filter: 'not' must be true or false."),
    ({"op": "and", "rules": "country=FR"}, "Filter: 'rules' must be a list."),
    ({"op": "and", "rules": ["country=FR"]}, "Rule 1: a rule must be an object."),
    ({"op": "and", "rules": [{"op": "or", "rules": []}]}, "Rule 1: the group has no rules."),
    (["country", "eq", "FR"], "The filter must be an object with 'op' and 'rules'."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("tree", "expected"), REJECTIONS)
def test_rejections(typed, tree, expected):
    # when
    error = _problems(tree, typed)
    # then
    assert expected in error.message
    assert error.extra["problems"][0]["field"].startswith("filters")


@pytest.mark.django_db
def test_every_problem_is_listed_with_its_path(typed):
    # given
    tree = {
        "op": "and",
        "rules": [
            {"field": "shoe", "operator": "eq", "value": 1},
            {
                "op": "or",
                "rules": [
                    {"field": "country", "operator": "eq", "value": "FR"},
                    {"field": "attributes.age", "operator": "gt", "value": "x"},
                ],
            },
        ],
    }
    # when
    error = _problems(tree, typed, path="customFilters")
    # then
    assert [p["field"] for p in error.extra["problems"]] == [
        "customFilters.rules.0",
        "customFilters.rules.1.rules.1",
    ]
    assert error.message.endswith("(and 1 more problem)")


def _nested(levels):
    tree = {"op": "and", "rules": [{"field": "country", "operator": "eq", "value": "FR"}]}
    for _ in range(levels - 1):
        tree = {"op": "and", "rules": [tree]}
    return tree


@pytest.mark.django_db
def test_nesting_deeper_than_eight_levels_is_refused(typed):
    # when
    error = _problems(_nested(9), typed)
    # then
    assert "Rule 1.1.1.1.1.1.1.1: groups are nested 9 levels deep; at most 8 are allowed." == (
        error.message
    )
    assert error.extra["problems"][0]["field"] == "filters" + ".rules.0" * 8


@pytest.mark.django_db
def test_too_many_rules_are_refused(typed):
    # given
    rules = [{"field": "country", "operator": "eq", "value": "FR"}] * (MAX_RULES + 1)
    # when
    error = _problems({"op": "or", "rules": rules}, typed)
    # then
    assert f"at most {MAX_RULES} rules" in error.message


@pytest.mark.django_db
def test_another_accounts_segment_and_campaign_do_not_exist(typed, other_account):
    # given
    rival_segment = SegmentFactory(account=other_account)
    rival_campaign = CampaignFactory(account=other_account)
    # when / then
    error = _problems(_one("segment", "in_segment", rival_segment.pk), typed)
    assert f"segment {rival_segment.pk} does not exist" in error.message
    error = _problems(_one("engagement", "clicked", {"campaignId": rival_campaign.pk}), typed)
    assert f"campaign {rival_campaign.pk} does not exist" in error.message


@pytest.mark.django_db
def test_another_accounts_attributes_are_unknown(account, other_account):
    # given
    AttributeDefinitionFactory(account=other_account, key="city", type=T.TEXT)
    # when
    error = _problems(_one("attributes.city", "eq", "Paris"), account)
    # then
    assert error.message == "Rule 1: unknown field 'attributes.city'."


@pytest.mark.django_db
def test_a_segment_cycle_is_refused(account):
    # given: A uses B, and B is about to use A
    b = SegmentFactory(account=account, name="B")
    a = SegmentFactory(account=account, name="A", filters=_one("segment", "in_segment", b.pk))
    # when
    error = _problems(_one("segment", "not_in_segment", a.pk), account, segment_id=b.pk)
    # then
    assert "Rule 1: segment 'A' cannot be used" in error.message
    assert "segment 'B' refers back to itself (a cycle)" in error.message


@pytest.mark.django_db
def test_a_segment_referring_to_itself_is_a_cycle(account):
    # given
    a = SegmentFactory(account=account, name="A")
    # when
    error = _problems(_one("segment", "in_segment", a.pk), account, segment_id=a.pk)
    # then
    assert error.message == "Rule 1: segment 'A' refers back to itself (a cycle)."


@pytest.mark.django_db
def test_a_stored_cycle_is_caught_when_the_segments_are_used(account):
    # given: two segments that (through bad data) name each other
    a = SegmentFactory(account=account, name="A")
    b = SegmentFactory(account=account, name="B", filters=_one("segment", "in_segment", a.pk))
    a.filters = _one("segment", "in_segment", b.pk)
    a.save(update_fields=["filters"])
    # when
    error = _problems(_one("segment", "in_segment", a.pk), account)
    # then
    assert "a cycle" in error.message
