"""Numbers, bodies and texts past what the database or the server takes: a clear 4xx.

``page=99999999999999999999`` asked PostgreSQL for an offset past bigint (500), an 11 MB body
was Django's bare HTML 400, and a 5 MB segment description was stored.
"""

import json

import pytest
from django.conf import settings

from audience.models import Segment
from campaigns.models import Campaign
from tests.factories import CampaignFactory

HUGE = "99999999999999999999"


@pytest.fixture
def campaign(account):
    return CampaignFactory(account=account)


@pytest.mark.parametrize(
    "path",
    [
        "/api/campaigns",
        "/api/contacts",
        "/api/campaign-templates",
        "/api/campaigns/{id}/recipients",
        "/api/campaigns/{id}/events",
    ],
)
def test_a_page_past_the_bound_is_a_422_on_every_api_list(api, campaign, path):
    # when
    response = api.get(path.format(id=campaign.pk), {"page": HUGE})

    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"


@pytest.mark.parametrize(
    "path",
    [
        "/api/campaigns",
        "/api/campaigns/{id}/recipients",
        "/api/campaigns/{id}/events",
    ],
)
def test_the_last_allowed_page_is_empty_not_an_error(api, campaign, path):
    # when
    response = api.get(path.format(id=campaign.pk), {"page": settings.LIST_MAX_PAGE})

    # then
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/campaigns/",
        "/dashboard/audience/contacts/",
        "/dashboard/campaigns/templates/",
        "/dashboard/audience/suppression/",
    ],
)
def test_a_huge_page_on_a_page_list_shows_the_last_page(logged_in_client, campaign, url):
    # when
    response = logged_in_client.get(url, {"page": HUGE})

    # then
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/campaigns/{huge}", "/api/segments/{huge}", "/api/campaigns/{huge}/stats"]
)
def test_an_id_past_bigint_is_a_4xx_not_a_500(api, path):
    # when
    response = api.get(path.format(huge=HUGE))

    # then
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")


def test_ids_past_bigint_inside_a_document_are_422(api, account):
    # when
    response = api.post(
        "/api/campaigns",
        data=json.dumps({"name": "Big", "audience": {"type": "segment", "segmentIds": [HUGE]}}),
        content_type="application/json",
    )

    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("audience.segmentIds")


def test_a_date_that_cannot_move_to_utc_is_422(api, account):
    # when
    response = api.post(
        "/api/campaigns",
        data=json.dumps(
            {
                "name": "Far future",
                "scheduling": {"sendNow": False, "startDate": "9999-12-31T23:00:00-05:00"},
            }
        ),
        content_type="application/json",
    )

    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "scheduling.startDate"
    assert not Campaign.objects.filter(name="Far future").exists()


def test_an_11_mb_json_body_is_a_413_json_answer(api, account):
    # given
    body = json.dumps({"name": "Big", "description": "a" * 11_000_000})

    # when
    response = api.post("/api/campaigns", data=body, content_type="application/json")

    # then
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "too_large"
    assert "MB" in response.json()["detail"]
    assert not Campaign.objects.filter(name="Big").exists()


def test_an_11_mb_form_post_to_a_page_is_a_clear_413_page(logged_in_client):
    # when
    response = logged_in_client.post(
        "/dashboard/audience/segments/new/", {"name": "Big", "description": "a" * 11_000_000}
    )

    # then
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "larger than" in response.content.decode()
    assert not Segment.objects.filter(name="Big").exists()


def test_a_5_mb_segment_description_is_refused_by_the_api(api, account):
    # when
    response = api.post(
        "/api/segments",
        data=json.dumps({"name": "Long", "description": "d" * 5_000_000}),
        content_type="application/json",
    )

    # then
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert f"{settings.TEXT_MAX_LENGTH:,}" in errors["description"]
    assert not Segment.objects.filter(name="Long").exists()


def test_a_5_mb_segment_description_is_a_field_error_on_the_page(logged_in_client):
    # when
    response = logged_in_client.post(
        "/dashboard/audience/segments/new/", {"name": "Long", "description": "d" * 5_000_000}
    )

    # then
    assert "description" in response.context["form"].errors
    assert not Segment.objects.filter(name="Long").exists()


def test_the_text_cap_is_configurable(api, account, settings):
    # given a tighter cap than the default
    settings.TEXT_MAX_LENGTH = 50

    # when text inside a filter tree (no schema types it) passes the cap
    response = api.post(
        "/api/segments",
        data=json.dumps(
            {
                "name": "Capped",
                "filters": {
                    "op": "and",
                    "rules": [{"field": "city", "operator": "in", "value": ["x" * 51]}],
                },
            }
        ),
        content_type="application/json",
    )

    # then
    assert response.status_code == 422
    assert "at most 50 characters" in response.json()["errors"][0]["message"]


def test_every_free_text_of_the_api_documents_its_cap(client):
    # when
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    # then names, descriptions and message content say their maximum length
    assert schemas["CampaignIn"]["properties"]["description"]["maxLength"] == (
        settings.TEXT_MAX_LENGTH
    )
    assert schemas["CampaignIn"]["properties"]["name"]["maxLength"] == 200
    assert schemas["SegmentIn"]["properties"]["description"]["maxLength"] == (
        settings.TEXT_MAX_LENGTH
    )
    assert schemas["CampaignMessageIn"]["properties"]["content"]["maxLength"] == 4096


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"name=x", "application/x-www-form-urlencoded"),
        (None, None),  # multipart form data, as the test client sends a dict
    ],
)
def test_a_body_that_is_not_json_is_a_422_json_answer(api, account, body, content_type):
    # when
    if body is None:
        response = api.post("/api/campaigns", {"name": "Form"})
    else:
        response = api.post("/api/campaigns", data=body, content_type=content_type)

    # then
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("path", ["/api/contacts/abc", "/api/no-such-thing", "/api/contacts/1/x"])
def test_an_unknown_api_address_is_a_json_404(api, path):
    # when
    response = api.get(path)

    # then the API's error shape, not the HTML page
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unknown_page_is_still_the_html_404(logged_in_client):
    response = logged_in_client.get("/dashboard/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
