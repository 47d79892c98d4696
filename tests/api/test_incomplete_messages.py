"""A variant or a drip step without a message type: the API keeps it (the send path falls back
to the campaign's message) and the campaign's page shows it for every role, never a 500."""

import json

import pytest

from accounts.models import Role
from tests.api.documents import full_document


@pytest.fixture
def untyped_campaign_id(api, sender, segments, template):
    document = full_document(sender=sender, segments=segments, template=template)
    document["abTest"]["variants"][0]["message"] = {"content": "20% off, no type"}
    document["automation"]["workflow"][0]["message"] = {}
    response = api.post(
        "/api/campaigns", data=json.dumps(document), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETER, Role.MANAGER, Role.OWNER])
def test_the_detail_page_renders_a_variant_and_a_step_without_a_type(
    client, account, make_member, untyped_campaign_id, role
):
    # given
    client.force_login(make_member(account, role))

    # when
    response = client.get(f"/dashboard/campaigns/{untyped_campaign_id}/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "20% off, no type" in page


def test_the_api_answers_the_untyped_variant_as_stored(api, untyped_campaign_id):
    # when
    body = api.get(f"/api/campaigns/{untyped_campaign_id}").json()

    # then
    assert body["abTest"]["variants"][0]["message"] == {"content": "20% off, no type"}
    assert body["automation"]["workflow"][0]["message"] == {}
