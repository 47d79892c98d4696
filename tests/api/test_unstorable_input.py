"""Text no database can store (NUL, lone surrogates) is a field error, never a 500.

PostgreSQL refuses NUL in text and JSON; no driver encodes a lone surrogate. Each of these
answered 500 on the PostgreSQL leg before the request guard (``core.middleware``).
"""

import json

import pytest

from audience.models import Contact, Segment
from campaigns.models import Campaign
from templates_app.models import MessageTemplate

NUL = "a\x00b"
# A JSON string holding a lone surrogate; bodies below put it where they say @S@.
SURROGATE_JSON = '"a\\ud800b"'


def post_json(client, url, body: str, method="post"):
    return getattr(client, method)(url, data=body, content_type="application/json")


def errors_of(response) -> dict[str, str]:
    assert response["Content-Type"].startswith("application/json")
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.mark.parametrize(
    "url",
    [
        "/api/campaigns",
        "/api/contacts",
        "/api/campaign-templates",
        "/api/suppression",
        "/api/senders",
    ],
)
def test_a_nul_in_a_query_parameter_is_a_422_naming_it(api, url):
    # when
    response = api.get(url, {"q": NUL})

    # then
    assert response.status_code == 422
    assert "NUL" in errors_of(response)["q"]


@pytest.mark.parametrize(
    ("url", "body", "field", "model"),
    [
        ("/api/campaigns", {"name": NUL}, "name", Campaign),
        ("/api/campaigns", {"name": "ok", "description": NUL}, "description", Campaign),
        (
            "/api/campaigns",
            {"name": "ok", "message": {"type": "text", "content": NUL}},
            "message.content",
            Campaign,
        ),
        (
            "/api/campaigns",
            {
                "name": "ok",
                "audience": {
                    "type": "custom",
                    "customFilters": {
                        "op": "and",
                        "rules": [{"field": "city", "operator": "eq", "value": NUL}],
                    },
                },
            },
            "audience.customFilters.rules.0.value",
            Campaign,
        ),
        ("/api/segments", {"name": "VIP", "description": NUL}, "description", Segment),
        ("/api/contacts", {"phone": "+14155550100", "firstName": NUL}, "firstName", Contact),
        (
            "/api/campaign-templates",
            {"name": "spring", "body": NUL, "category": "marketing", "language": "en"},
            "body",
            MessageTemplate,
        ),
    ],
)
def test_a_nul_in_json_is_a_422_with_its_path_and_nothing_is_saved(
    api, account, url, body, field, model
):
    # given
    before = model.objects.count()

    # when
    response = post_json(api, url, json.dumps(body))

    # then
    assert response.status_code == 422
    assert "NUL" in errors_of(response)[field]
    assert model.objects.count() == before


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/campaigns", '{"name": @S@}', "name"),
        ("/api/segments", '{"name": "VIP", "description": @S@}', "description"),
        (
            "/api/segments",
            '{"name": "VIP", "filters": {"op": "and", "rules": '
            '[{"field": "city", "operator": "eq", "value": @S@}]}}',
            "filters.rules.0.value",
        ),
        (
            "/api/contacts",
            '{"phone": "+14155550100", "attributes": {"city": @S@}}',
            "attributes.city",
        ),
    ],
)
def test_a_lone_surrogate_is_a_422_with_its_path(api, account, url, body, field):
    # when
    response = post_json(api, url, body.replace("@S@", SURROGATE_JSON))

    # then
    assert response.status_code == 422
    assert "surrogate" in errors_of(response)[field]
    assert not Segment.objects.filter(name="VIP").exists()


def test_a_nul_in_a_json_key_is_refused(api, account):
    # when
    response = post_json(
        api, "/api/segments", json.dumps({"name": "VIP", "filters": {"op": "and", NUL: 1}})
    )

    # then the key is named with its NUL written out
    assert response.status_code == 422
    assert "NUL" in errors_of(response)["filters.a\\0b"]


def test_a_nul_in_an_api_form_field_is_refused(api, account):
    # given
    upload = ("people.csv", b"phone\n+14155550100\n")

    # when
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api.post(
        "/api/contacts/import",
        {"file": SimpleUploadedFile(*upload), "mapping": NUL},
    )

    # then
    assert response.status_code == 422
    assert "NUL" in errors_of(response)["mapping"]


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/campaigns/",
        "/dashboard/audience/contacts/",
        "/dashboard/campaigns/templates/",
        "/dashboard/audience/suppression/",
    ],
)
def test_a_nul_in_a_page_query_string_is_a_clear_400_page(logged_in_client, url):
    # when
    response = logged_in_client.get(url, {"q": NUL})

    # then
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "NUL" in page
    assert "<strong>q</strong>" in page


def test_a_segment_form_refuses_a_nul_and_a_surrogate_with_field_errors(logged_in_client):
    # given a description with a NUL, and a filter tree whose JSON holds a lone surrogate
    tree = '{"op": "and", "rules": [{"field": "city", "operator": "eq", "value": "\\ud800"}]}'

    # when
    response = logged_in_client.post(
        "/dashboard/audience/segments/new/",
        {"name": "VIP", "description": NUL, "filters": tree},
    )

    # then the form comes back with both fields in error, and nothing is saved
    assert response.status_code == 422
    form = response.context["form"]
    assert "description" in form.errors
    assert "surrogate" in " ".join(form.errors["filters"])
    assert not Segment.objects.filter(name="VIP").exists()


def test_the_template_editor_refuses_a_nul_in_the_body_with_a_field_error(logged_in_client):
    # when
    response = logged_in_client.post(
        "/dashboard/campaigns/templates/new/",
        {"name": "spring", "category": "marketing", "language": "en", "body": NUL},
    )

    # then
    assert response.status_code in (200, 422)
    assert "NUL" in " ".join(response.context["errors"]["body"])
    assert not MessageTemplate.objects.filter(name="spring").exists()
