"""Filter trees read as sentences: every operator of every field type, groups, and trees that
the grammar would refuse (they still read, they never raise)."""

import pytest

from audience.filters import grammar as g
from audience.filters.describe import FilterNames, filter_names, filters_describe
from tests.factories import AttributeDefinitionFactory, CampaignFactory, SegmentFactory

NAMES = FilterNames(
    attributes={
        "city": ("City", "text"),
        "lifetime_value": ("Lifetime value", "number"),
        "signup_date": ("Signup date", "date"),
        "vip": ("VIP", "boolean"),
    },
    segments={7: "VIP big spenders"},
    campaigns={3: "Spring sale"},
)


def _one(field, operator, value=None):
    rule = {"field": field, "operator": operator}
    if value is not None:
        rule["value"] = value
    return filters_describe({"op": "and", "rules": [rule]}, names=NAMES)


# (field type, operator) -> (field, value, sentence)
CASES = {
    ("text", "eq"): ("attributes.city", "Paris", "City is Paris"),
    ("text", "neq"): ("attributes.city", "Paris", "City is not Paris"),
    ("text", "contains"): ("attributes.city", "ar", "City contains “ar”"),
    ("text", "not_contains"): ("attributes.city", "ar", "City does not contain “ar”"),
    ("text", "starts_with"): ("firstName", "Ad", "First name starts with “Ad”"),
    ("text", "ends_with"): ("email", "@example.com", "Email ends with “@example.com”"),
    ("text", "in"): ("country", ["FR", "DE"], "Country is one of FR, DE"),
    ("text", "not_in"): ("country", ["FR", "DE"], "Country is none of FR, DE"),
    ("text", "exists"): ("phone", None, "Phone has a value"),
    ("text", "not_exists"): ("attributes.city", None, "City has no value"),
    ("text", "is_empty"): ("lastName", None, "Last name is empty"),
    ("number", "eq"): ("attributes.lifetime_value", 100, "Lifetime value is 100"),
    ("number", "neq"): ("attributes.lifetime_value", 100.0, "Lifetime value is not 100"),
    ("number", "gt"): ("attributes.lifetime_value", 100, "Lifetime value is more than 100"),
    ("number", "gte"): ("attributes.lifetime_value", 99.5, "Lifetime value is at least 99.5"),
    ("number", "lt"): ("attributes.lifetime_value", 10, "Lifetime value is less than 10"),
    ("number", "lte"): ("attributes.lifetime_value", 10, "Lifetime value is at most 10"),
    ("number", "between"): (
        "attributes.lifetime_value",
        [10, 20],
        "Lifetime value is between 10 and 20",
    ),
    ("number", "exists"): ("attributes.lifetime_value", None, "Lifetime value has a value"),
    ("number", "not_exists"): ("attributes.lifetime_value", None, "Lifetime value has no value"),
    ("date", "before"): (
        "attributes.signup_date",
        "2026-03-01",
        "Signup date is before 1 March 2026",
    ),
    ("date", "after"): ("createdAt", "2025-12-31", "Created is after 31 December 2025"),
    ("date", "between"): (
        "attributes.signup_date",
        ["2026-01-01", "2026-01-31"],
        "Signup date is between 1 January 2026 and 31 January 2026",
    ),
    ("date", "within_last_days"): (
        "attributes.signup_date",
        90,
        "Signup date is within the last 90 days",
    ),
    ("date", "more_than_days_ago"): ("createdAt", 1, "Created is more than 1 day ago"),
    ("date", "exists"): ("attributes.signup_date", None, "Signup date has a value"),
    ("date", "not_exists"): ("attributes.signup_date", None, "Signup date has no value"),
    ("boolean", "eq"): ("attributes.vip", True, "VIP is yes"),
    ("boolean", "exists"): ("attributes.vip", None, "VIP has a value"),
    ("boolean", "not_exists"): ("attributes.vip", None, "VIP has no value"),
    ("tags", "has_any"): ("tags", ["vip", "newsletter"], "Has any of the tags vip, newsletter"),
    ("tags", "has_all"): ("tags", ["vip", "newsletter"], "Has all of the tags vip, newsletter"),
    ("tags", "has_none"): ("tags", ["vip"], "Does not have tag vip"),
    ("segment", "in_segment"): ("segment", 7, "Is in segment “VIP big spenders”"),
    ("segment", "not_in_segment"): ("segment", 7, "Is not in segment “VIP big spenders”"),
    ("engagement", "received"): (
        "engagement",
        {"withinDays": 30},
        "Received a message in the last 30 days",
    ),
    ("engagement", "clicked"): (
        "engagement",
        {"campaignId": 3},
        "Clicked a link in campaign “Spring sale”",
    ),
    ("engagement", "converted"): ("engagement", {"withinDays": 7}, "Converted in the last 7 days"),
}


def test_every_operator_of_the_grammar_has_a_case():
    grammar = {(kind, op) for kind, ops in g.OPERATORS.items() for op in ops}
    assert grammar == set(CASES)


@pytest.mark.parametrize(("kind", "operator"), sorted(CASES))
def test_each_operator_reads_as_a_sentence(kind, operator):
    field, value, sentence = CASES[(kind, operator)]
    assert _one(field, operator, value) == sentence


def test_the_issue_example_nests_groups_in_parentheses():
    tree = {
        "op": "and",
        "rules": [
            {"field": "attributes.city", "operator": "eq", "value": "Paris"},
            {
                "op": "or",
                "rules": [
                    {"field": "attributes.lifetime_value", "operator": "gt", "value": 100},
                    {"field": "tags", "operator": "has_any", "value": ["vip"]},
                ],
            },
        ],
    }
    assert filters_describe(tree, names=NAMES) == (
        "City is Paris and (Lifetime value is more than 100 or has tag vip)"
    )


def test_negated_groups_and_empty_trees():
    negated = {
        "op": "or",
        "not": True,
        "rules": [
            {"field": "country", "operator": "eq", "value": "FR"},
            {"field": "country", "operator": "eq", "value": "DE"},
        ],
    }
    assert filters_describe(negated, names=NAMES) == "Not (Country is FR or Country is DE)"
    inner = {
        "op": "and",
        "rules": [{"field": "subscribed", "operator": "eq", "value": True}, negated],
    }
    assert filters_describe(inner, names=NAMES) == (
        "Subscribed is yes and not (Country is FR or Country is DE)"
    )
    assert filters_describe({}, names=NAMES) == "Every contact"
    assert filters_describe({"op": "and", "rules": []}, names=NAMES) == "Every contact"
    assert filters_describe({"op": "or", "rules": []}, names=NAMES) == "No contact"


def test_what_the_grammar_refuses_still_reads():
    tree = {
        "op": "and",
        "rules": [
            {"field": "attributes.gone", "operator": "eq", "value": "x"},
            {"field": "segment", "operator": "in_segment", "value": 99},
            {"field": "nope", "operator": "eq", "value": 1},
            {"operator": "eq"},
            "garbage",
            {"field": "country", "operator": "between", "value": 3},
        ],
    }
    assert filters_describe(tree, names=NAMES) == (
        "Gone (an unknown attribute) is x and is in segment #99 (deleted) and "
        "nope (an unknown field) is 1 and a rule with no field chosen and an unreadable rule "
        "and Country between 3"
    )
    assert filters_describe("not a tree", names=NAMES) == "Every contact"


def test_long_lists_are_cut():
    values = [f"c{i}" for i in range(14)]
    assert _one("country", "in", values) == (
        "Country is one of c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 4 more"
    )


@pytest.mark.django_db
def test_names_come_from_the_account_only(account, other_account):
    AttributeDefinitionFactory(account=account, key="city", label="City")
    mine = SegmentFactory(account=account, name="Loyal")
    theirs = SegmentFactory(account=other_account, name="Rival segment")
    campaign = CampaignFactory(account=account, name="Launch")
    tree = {
        "op": "or",
        "rules": [
            {"field": "attributes.city", "operator": "exists"},
            {"field": "segment", "operator": "in_segment", "value": mine.pk},
            {"field": "segment", "operator": "in_segment", "value": theirs.pk},
            {"field": "engagement", "operator": "received", "value": {"campaignId": campaign.pk}},
        ],
    }
    names = filter_names(account=account, trees=[tree])
    assert filters_describe(tree, names=names) == (
        f"City has a value or is in segment “Loyal” or is in segment #{theirs.pk} (deleted) or "
        "received a message from campaign “Launch”"
    )
