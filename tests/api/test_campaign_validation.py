"""Bad documents: 422 with the field path in ``errors[].field``, and nothing written."""

import pytest

from campaigns.models import Campaign
from tests.factories import MessageTemplateFactory, SegmentFactory, SenderFactory

URL = "/api/campaigns"


def _button(**overrides):
    return {"text": "Go", "type": "quickreply", "value": "go", **overrides}


BAD_DOCUMENTS = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"type": "blast"}, "type"),
    ({"trackingUrl": "not a url"}, "trackingUrl"),
    ({"webhookUrl": "ftp://files.example.com/hook"}, "webhookUrl"),
    ({"audience": {"type": "everyone"}}, "audience.type"),
    ({"audience": {"segmentIds": ["abc"]}}, "audience.segmentIds.0"),
    ({"audience": {"frequencyCapHours": 0}}, "audience.frequencyCapHours"),
    ({"message": {"type": "fax"}}, "message.type"),
    ({"message": {"templateId": "latest"}}, "message.templateId"),
    ({"message": {"mediaUrls": ["javascript:alert(1)"]}}, "message.mediaUrls"),
    ({"message": {"content": "x" * 4097}}, "message.content"),
    ({"message": {"buttons": [_button()] * 4}}, "message.buttons"),
    ({"message": {"buttons": [_button(text="x" * 21)]}}, "message.buttons.0.text"),
    ({"message": {"buttons": [_button(text=" ")]}}, "message.buttons.0.text"),
    ({"message": {"buttons": [_button(type="email")]}}, "message.buttons.0.type"),
    ({"message": {"buttons": [_button(type="url", value="shop")]}}, "message.buttons.0.value"),
    ({"message": {"buttons": [_button(type="call", value="")]}}, "message.buttons.0.value"),
    ({"scheduling": {"timezone": "Mars/Olympus"}}, "scheduling.timezone"),
    ({"scheduling": {"startDate": "next tuesday"}}, "scheduling.startDate"),
    (
        {
            "scheduling": {
                "startDate": "2030-01-02T10:00:00Z",
                "endDate": "2030-01-01T10:00:00Z",
            }
        },
        "scheduling.endDate",
    ),
    ({"scheduling": {"deliveryTime": "25:00"}}, "scheduling.deliveryTime"),
    ({"scheduling": {"deliveryTime": "9:5"}}, "scheduling.deliveryTime"),
    ({"scheduling": {"quietHoursStart": "noon"}}, "scheduling.quietHoursStart"),
    ({"scheduling": {"quietHoursEnd": "23:60"}}, "scheduling.quietHoursEnd"),
    ({"scheduling": {"frequency": "hourly"}}, "scheduling.frequency"),
    (
        {"abTest": {"variants": [{"id": "A", "name": "A", "splitPercentage": 101}]}},
        "abTest.variants.0.splitPercentage",
    ),
    (
        {"abTest": {"variants": [{"id": "A", "name": "A", "splitPercentage": -1}]}},
        "abTest.variants.0.splitPercentage",
    ),
    (
        {
            "abTest": {
                "variants": [
                    {"id": "A", "name": "A", "splitPercentage": 60},
                    {"id": "B", "name": "B", "splitPercentage": 60},
                ]
            }
        },
        "abTest.variants",
    ),
    (
        {
            "abTest": {
                "variants": [
                    {"id": "A", "name": "A", "splitPercentage": 50},
                    {"id": "A", "name": "B", "splitPercentage": 50},
                ]
            }
        },
        "abTest.variants",
    ),
    ({"abTest": {"winnerCriteria": "vibes"}}, "abTest.winnerCriteria"),
    (
        {
            "abTest": {
                "variants": [
                    {
                        "id": "A",
                        "name": "A",
                        "splitPercentage": 50,
                        "message": {"buttons": [_button(text="x" * 30)]},
                    }
                ]
            }
        },
        "abTest.variants.0.message.buttons.0.text",
    ),
    ({"automation": {"triggers": [{"type": "moon_phase"}]}}, "automation.triggers.0.type"),
    (
        {"automation": {"workflow": [{"stepId": "a"}, {"stepId": "a"}]}},
        "automation.workflow",
    ),
    (
        {"automation": {"workflow": [{"stepId": "a", "delayHours": -2}]}},
        "automation.workflow.0.delayHours",
    ),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_DOCUMENTS)
def test_bad_input_is_422_with_the_field_path(api, overrides, field):
    # when
    response = api.post(URL, {"name": "Valid name", **overrides}, content_type="application/json")

    # then the answer names the field, and nothing was created
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in [e["field"] for e in body["errors"]], body
    assert all(e["message"] for e in body["errors"])
    assert Campaign.objects.count() == 0


def test_missing_name_is_422(api):
    response = api.post(URL, {"description": "no name"}, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]


def test_malformed_json_is_a_clear_4xx(api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]
    assert Campaign.objects.count() == 0


def test_every_problem_is_reported_at_once(api):
    # when a document is wrong in several places
    document = {
        "name": "",
        "trackingUrl": "nope",
        "scheduling": {"timezone": "Nowhere/City", "deliveryTime": "99:99"},
    }
    response = api.post(URL, document, content_type="application/json")

    # then each place is named
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"name", "trackingUrl", "scheduling.timezone", "scheduling.deliveryTime"}


def test_unknown_phone_number_id_is_422(api, sender):
    response = api.post(
        URL, {"name": "X", "phoneNumberId": "000000"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["phoneNumberId"]


def test_another_accounts_sender_is_unknown(api, other_account):
    # given a sender of another account
    rival = SenderFactory(account=other_account, phone_number_id="999111")

    # when it is named
    response = api.post(
        URL, {"name": "X", "phoneNumberId": rival.phone_number_id}, content_type="application/json"
    )

    # then it is as unknown as a missing one
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["phoneNumberId"]
    assert Campaign.objects.count() == 0


def test_another_accounts_segments_and_template_are_unknown(api, other_account, segments):
    # given rows of another account
    rival_segment = SegmentFactory(account=other_account)
    rival_template = MessageTemplateFactory(account=other_account)

    # when they are referenced
    document = {
        "name": "X",
        "audience": {
            "type": "segment",
            "segmentIds": [segments[0].pk, rival_segment.pk],
            "excludeSegmentIds": [rival_segment.pk],
        },
        "message": {"type": "template", "templateId": rival_template.pk},
        "abTest": {
            "variants": [
                {
                    "id": "A",
                    "name": "A",
                    "splitPercentage": 50,
                    "message": {"templateId": rival_template.pk},
                },
            ]
        },
    }
    response = api.post(URL, document, content_type="application/json")

    # then each reference is refused at its path, and nothing is created
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {
        "audience.segmentIds",
        "audience.excludeSegmentIds",
        "message.templateId",
        "abTest.variants.0.message.templateId",
    }
    assert str(rival_segment.pk) in response.json()["detail"]
    assert Campaign.objects.count() == 0


def test_custom_filters_follow_the_audience_grammar(api):
    # given a valid tree and a broken one
    good = {"op": "and", "rules": [{"field": "country", "operator": "eq", "value": "FR"}]}
    bad = {"op": "xor", "rules": [{"field": "shoe_size", "operator": "eq", "value": 42}]}

    # when
    accepted = api.post(
        URL,
        {"name": "Good", "audience": {"type": "custom", "customFilters": good}},
        content_type="application/json",
    )
    refused = api.post(
        URL,
        {"name": "Bad", "audience": {"type": "custom", "customFilters": bad}},
        content_type="application/json",
    )

    # then
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["audience"]["customFilters"] == good
    assert refused.status_code == 422
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields
    assert all(f.startswith("audience.customFilters") for f in fields), fields
    assert Campaign.objects.count() == 1
