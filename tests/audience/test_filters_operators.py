"""Every operator of every field type, on a hand-made set of contacts.

Each case is checked twice: the compiled query must select exactly the expected contacts, and
the plain-Python reference evaluation must agree (``World.select`` asserts both).
"""

import pytest

from tests.audience.filter_world import build_world, rule

CASES = [
    # text columns (eq/in are exact; contains/starts/ends ignore case)
    ("firstName", "eq", "Ada", {"ada"}),
    ("firstName", "neq", "Ada", {"bob", "cy", "dee"}),
    ("lastName", "contains", "DU", {"dee"}),
    ("lastName", "not_contains", "du", {"ada", "bob", "cy"}),
    ("email", "starts_with", "ADA@", {"ada"}),
    ("email", "ends_with", "example.ORG", {"cy"}),
    ("country", "in", ["FR", "US"], {"ada", "cy", "dee"}),
    ("country", "not_in", ["FR"], {"bob", "cy"}),
    ("timezone", "eq", "Europe/London", {"bob"}),
    ("phone", "exists", None, {"ada", "cy", "dee"}),
    ("phone", "not_exists", None, {"bob"}),
    ("email", "is_empty", None, {"bob"}),
    ("lastName", "exists", None, {"ada", "bob", "dee"}),
    ("phone", "starts_with", "+33", {"ada", "dee"}),
    ("phone", "neq", "+33611111111", {"bob", "cy", "dee"}),
    ("phone", "not_contains", "+33", {"bob", "cy"}),
    ("phone", "not_in", ["+14155550100"], {"ada", "bob", "dee"}),
    # boolean column
    ("subscribed", "eq", False, {"bob"}),
    ("subscribed", "eq", True, {"ada", "cy", "dee"}),
    # date column: days in the account's time zone (Europe/Paris); "today" is 2025-06-15
    ("createdAt", "before", "2025-01-01", {"cy"}),
    ("createdAt", "after", "2025-06-14", {"dee"}),
    ("createdAt", "between", ["2025-01-01", "2025-06-14"], {"ada", "bob"}),
    ("createdAt", "within_last_days", 1, {"ada", "dee"}),
    ("createdAt", "more_than_days_ago", 30, {"bob", "cy"}),
    # text attribute
    ("attributes.city", "eq", "Paris", {"ada"}),
    ("attributes.city", "neq", "Paris", {"bob", "cy", "dee"}),
    ("attributes.city", "contains", "ON", {"bob"}),
    ("attributes.city", "not_contains", "on", {"ada", "cy", "dee"}),
    ("attributes.city", "starts_with", "par", {"ada"}),
    ("attributes.city", "ends_with", "DON", {"bob"}),
    ("attributes.city", "in", ["Paris", "London"], {"ada", "bob"}),
    ("attributes.city", "not_in", ["Paris"], {"bob", "cy", "dee"}),
    ("attributes.city", "exists", None, {"ada", "bob", "dee"}),
    ("attributes.city", "not_exists", None, {"cy"}),
    ("attributes.city", "is_empty", None, {"cy", "dee"}),
    # number attribute (dee's "n/a" is not a number: absent)
    ("attributes.age", "eq", 36, {"ada"}),
    ("attributes.age", "neq", 36, {"bob", "cy", "dee"}),
    ("attributes.age", "gt", 36, {"bob"}),
    ("attributes.age", "gte", 36, {"ada", "bob"}),
    ("attributes.age", "lt", 52.5, {"ada"}),
    ("attributes.age", "lte", 52.5, {"ada", "bob"}),
    ("attributes.age", "between", [30, 40], {"ada"}),
    ("attributes.age", "exists", None, {"ada", "bob"}),
    ("attributes.age", "not_exists", None, {"cy", "dee"}),
    # boolean attribute (dee's null is absent)
    ("attributes.vip", "eq", True, {"ada"}),
    ("attributes.vip", "eq", False, {"bob"}),
    ("attributes.vip", "exists", None, {"ada", "bob"}),
    ("attributes.vip", "not_exists", None, {"cy", "dee"}),
    # date attributes (dee's "soon" is not a date: absent)
    ("attributes.birthday", "before", "1980-01-01", {"bob"}),
    ("attributes.birthday", "after", "1990-12-09", {"ada"}),
    ("attributes.birthday", "between", ["1972-01-05", "1990-12-10"], {"ada", "bob"}),
    ("attributes.last_order", "within_last_days", 7, {"ada"}),
    ("attributes.last_order", "more_than_days_ago", 30, {"bob"}),
    ("attributes.birthday", "exists", None, {"ada", "bob"}),
    ("attributes.birthday", "not_exists", None, {"cy", "dee"}),
    # tags
    ("tags", "has_any", ["vip"], {"ada", "dee"}),
    ("tags", "has_any", ["nope"], set()),
    ("tags", "has_all", ["vip", "news"], {"ada"}),
    ("tags", "has_none", ["vip"], {"bob", "cy"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "operator", "value", "expected"), CASES)
def test_operator_selects_exactly_the_matching_contacts(
    account, other_account, field, operator, value, expected
):
    # given
    world = build_world(account, other_account)
    # when
    selected = world.select(rule(field, operator, value))
    # then
    assert selected == expected


@pytest.mark.django_db
def test_segment_membership(account, other_account):
    # given
    world = build_world(account, other_account)
    segment_id = world.fr_segment.pk
    # when / then
    assert world.select(rule("segment", "in_segment", segment_id)) == {"ada", "dee"}
    assert world.select(rule("segment", "not_in_segment", segment_id)) == {"bob", "cy"}


@pytest.mark.django_db
def test_engagement_conditions(account, other_account):
    # given
    world = build_world(account, other_account)
    spring = world.campaign.pk
    # when / then
    assert world.select(rule("engagement", "received", {"campaignId": spring})) == {"ada"}
    assert world.select(rule("engagement", "clicked", {"campaignId": spring})) == {"bob"}
    assert world.select(rule("engagement", "clicked", {"withinDays": 30})) == set()
    assert world.select(rule("engagement", "clicked", {"withinDays": 60})) == {"bob"}
    assert world.select(rule("engagement", "converted", {"withinDays": 7})) == {"dee"}
    assert world.select(rule("engagement", "received", {"withinDays": 7})) == {"ada"}


@pytest.mark.django_db
def test_groups_combine_with_and_or_and_not(account, other_account):
    # given
    world = build_world(account, other_account)
    french = {"field": "country", "operator": "eq", "value": "FR"}
    vip = {"field": "tags", "operator": "has_any", "value": ["vip"]}
    subscribed = {"field": "subscribed", "operator": "eq", "value": True}
    # when / then
    assert world.select({"op": "or", "rules": [french, subscribed]}) == {"ada", "cy", "dee"}
    assert world.select({"op": "and", "not": True, "rules": [french, vip]}) == {"bob", "cy"}
    assert world.select(
        {"op": "and", "rules": [subscribed, {"op": "or", "not": True, "rules": [french]}]}
    ) == {"cy"}


@pytest.mark.django_db
def test_an_empty_filter_selects_every_contact_of_the_account_only(account, other_account):
    # given
    world = build_world(account, other_account)
    # when / then
    assert world.select({}) == {"ada", "bob", "cy", "dee"}
    assert world.select({"op": "and", "rules": []}) == {"ada", "bob", "cy", "dee"}
    assert world.select({"op": "or", "rules": []}) == set()


def _nested(levels: int, leaf: dict) -> dict:
    tree = {"op": "and", "rules": [leaf]}
    for level in range(levels - 1):
        tree = {"op": "or" if level % 2 else "and", "not": False, "rules": [tree]}
    return tree


@pytest.mark.django_db
@pytest.mark.parametrize("levels", [5, 8])
def test_nesting_to_eight_levels_works(account, other_account, levels):
    # given
    world = build_world(account, other_account)
    leaf = {"field": "country", "operator": "eq", "value": "FR"}
    tree = _nested(levels, leaf)
    # the innermost group negated, the outermost too: NOT at both ends cancels out
    tree["not"] = True
    inner = tree
    while inner["rules"] and "rules" in inner["rules"][0]:
        inner = inner["rules"][0]
    inner["not"] = True
    # when / then
    assert world.select(tree) == {"ada", "dee"}


@pytest.mark.django_db
def test_a_segment_of_segments_is_one_query(account, other_account, django_assert_num_queries):
    # given
    world = build_world(account, other_account)
    from tests.factories import SegmentFactory

    vip_fr = SegmentFactory(
        account=account,
        name="French VIPs",
        filters={
            "op": "and",
            "rules": [
                {"field": "segment", "operator": "in_segment", "value": world.fr_segment.pk},
                {"field": "tags", "operator": "has_any", "value": ["vip", "gold"]},
            ],
        },
    )
    tree = rule("segment", "not_in_segment", vip_fr.pk)
    # when / then
    assert world.select(tree) == {"bob", "cy"}
    from audience.selectors import contacts_matching

    contacts = contacts_matching(account=account, filters=tree)
    with django_assert_num_queries(1):
        assert contacts.count() == 2
