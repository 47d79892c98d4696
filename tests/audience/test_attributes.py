import pytest

from accounts.models import Role
from accounts.services import api_key_create
from audience.models import AttributeDefinition
from audience.services.attributes import (
    AttributeValueError,
    attribute_coerce,
    attribute_infer_type,
    attribute_key_from_label,
)
from tests.factories import AttributeDefinitionFactory

T = AttributeDefinition.Type


@pytest.mark.parametrize(
    ("value", "type_", "expected"),
    [
        ("42", T.NUMBER, 42),
        (" 3.5 ", T.NUMBER, 3.5),
        (7, T.NUMBER, 7),
        (2.0, T.NUMBER, 2),
        ("-1e3", T.NUMBER, -1000),
        ("yes", T.BOOLEAN, True),
        ("FALSE", T.BOOLEAN, False),
        (True, T.BOOLEAN, True),
        (0, T.BOOLEAN, False),
        ("2024-02-29", T.DATE, "2024-02-29"),
        ("2024-02-29T10:30:00Z", T.DATE, "2024-02-29"),
        ("Paris", T.TEXT, "Paris"),
        (12, T.TEXT, "12"),
    ],
)
def test_values_are_stored_as_the_json_of_their_type(value, type_, expected):
    # when
    coerced = attribute_coerce(value, type=type_)
    # then
    assert coerced == expected
    assert type(coerced) is type(expected)


@pytest.mark.parametrize(
    ("value", "type_"),
    [
        ("abc", T.NUMBER),
        (True, T.NUMBER),
        ("nan", T.NUMBER),
        (float("inf"), T.NUMBER),
        ("maybe", T.BOOLEAN),
        (2, T.BOOLEAN),
        ("2024-02-30", T.DATE),
        ("31/01/2024", T.DATE),
        (20240101, T.DATE),
        ({"a": 1}, T.TEXT),
        ("x" * 1001, T.TEXT),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(value, type_):
    with pytest.raises(AttributeValueError):
        attribute_coerce(value, type=type_)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1", "2.5", "", "-3"], T.NUMBER),
        (["yes", "no", "Y"], T.BOOLEAN),
        (["2024-01-01", "1999-12-31"], T.DATE),
        (["2024-01-01", "soon"], T.TEXT),
        (["2024-13-01"], T.TEXT),
        (["", "  "], T.TEXT),
        (["Paris", "1"], T.TEXT),
    ],
)
def test_a_column_type_is_inferred_from_its_values(values, expected):
    assert attribute_infer_type(values) == expected


def test_keys_are_made_from_headers():
    assert attribute_key_from_label("Loyalty Points") == "loyalty_points"
    assert attribute_key_from_label("2nd address") == "attr_2nd_address"
    assert attribute_key_from_label("!!!") == ""


def test_attributes_api_lists_only_the_account_own(api, account, other_account):
    # given
    AttributeDefinitionFactory(account=account, key="city", type=T.TEXT)
    AttributeDefinitionFactory(account=other_account, key="secret", type=T.NUMBER)
    # when
    response = api.get("/api/attributes")
    # then
    assert response.status_code == 200
    assert [a["key"] for a in response.json()] == ["city"]


def test_attributes_api_creates_a_definition(api, account):
    # when
    response = api.post(
        "/api/attributes",
        {"key": "loyalty_points", "label": "Loyalty points", "type": "number"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 201
    assert response.json()["type"] == "number"
    assert AttributeDefinition.objects.get(account=account, key="loyalty_points").type == "number"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"key": "Bad Key", "type": "text"}, "key"),
        ({"key": "ok", "type": "colour"}, "type"),
        ({"key": "city", "type": "text"}, "key"),
    ],
)
def test_attributes_api_rejects_bad_definitions(api, account, payload, field):
    # given
    AttributeDefinitionFactory(account=account, key="city")
    # when
    response = api.post("/api/attributes", payload, content_type="application/json")
    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert AttributeDefinition.objects.filter(account=account).count() == 1


def test_attributes_api_needs_a_key_and_edit_rights(client, account):
    # given
    _, raw = api_key_create(account=account, name="ro", role=Role.VIEWER)
    # when
    anonymous = client.get("/api/attributes")
    viewer = client.post(
        "/api/attributes",
        {"key": "x", "type": "text"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    # then
    assert anonymous.status_code == 401
    assert viewer.status_code == 403
    assert not AttributeDefinition.objects.exists()
