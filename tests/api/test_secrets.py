"""A Sender's credentials never leave the server, whatever the endpoint answers."""

import json

import pytest
from pydantic.alias_generators import to_camel

from campaigns.models import Campaign
from tests.api.documents import SECRETS, full_document


def _assert_no_secret(response, *, names_too: bool = True):
    text = response.content.decode()
    for field, value in SECRETS.items():
        assert value not in text, f"{field} leaked"
        if names_too:
            assert field not in text
            assert to_camel(field) not in text


def test_no_endpoint_answers_a_credential(api, campaign, sender, segments, template):
    # given a campaign using a sender with every credential set
    document = full_document(sender=sender, segments=segments, template=template)
    responses = []

    # when every endpoint is called
    responses.append(api.post("/api/campaigns", document, content_type="application/json"))
    created = responses[-1].json()["id"]
    responses.append(api.get("/api/campaigns"))
    responses.append(api.get(f"/api/campaigns/{campaign.pk}"))
    responses.append(
        api.put(
            f"/api/campaigns/{created}",
            {**document, "name": "Renamed"},
            content_type="application/json",
        )
    )
    responses.append(api.post(f"/api/campaigns/{campaign.pk}/duplicate"))
    responses.append(api.post(f"/api/campaigns/{campaign.pk}/publish"))
    responses.append(api.post(f"/api/campaigns/{campaign.pk}/pause"))
    responses.append(api.post(f"/api/campaigns/{campaign.pk}/resume"))
    responses.append(api.post(f"/api/campaigns/{campaign.pk}/publish"))  # a 409
    responses.append(api.post("/api/campaigns", {"name": ""}, content_type="application/json"))

    # then none of them carries a secret
    assert [r.status_code for r in responses] == [
        201, 200, 200, 200, 201, 200, 200, 200, 409, 422
    ]  # fmt: skip
    for response in responses:
        _assert_no_secret(response)
    # The schema may name write-only credential fields of the senders API, never a value.
    _assert_no_secret(api.get("/api/openapi.json"), names_too=False)


@pytest.mark.parametrize("field", sorted(SECRETS))
def test_a_secret_smuggled_into_the_document_is_not_stored(api, sender, field):
    # when a client sends credential fields along with a campaign
    document = {"name": "X", field: "injected", "phoneNumberId": sender.phone_number_id}
    response = api.post("/api/campaigns", json.dumps(document), content_type="application/json")

    # then they are ignored and the sender keeps its own value
    assert response.status_code == 201
    sender.refresh_from_db()
    assert getattr(sender, field) == SECRETS[field]
    assert Campaign.objects.get().sender == sender
