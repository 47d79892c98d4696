import pytest

from campaigns.models import Campaign, CampaignActivity
from tests.api.documents import full_document

URL = "/api/campaigns"

TOP_LEVEL = {
    "id",
    "accountId",
    "phoneNumberId",
    "name",
    "description",
    "type",
    "status",
    "statusReason",
    "audience",
    "message",
    "scheduling",
    "abTest",
    "automation",
    "stats",
    "trackingUrl",
    "webhookUrl",
    "trackLinks",
    "utmSource",
    "utmMedium",
    "utmCampaign",
    "createdBy",
    "createdAt",
    "updatedAt",
    "startedAt",
    "completedAt",
    "errorLog",
}


def test_create_answers_the_whole_document_in_camel_case(api, account, sender, segments, template):
    # given a document using every part of the spec's Campaign shape
    document = full_document(sender=sender, segments=segments, template=template)

    # when it is posted
    response = api.post(URL, document, content_type="application/json")

    # then the campaign comes back as the spec's document, as a draft
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == TOP_LEVEL
    assert body["accountId"] == account.pk
    assert body["phoneNumberId"] == sender.phone_number_id
    assert body["status"] == "draft"
    assert body["type"] == "ab-test"
    assert body["audience"] == {**document["audience"], "estimatedReach": 0}
    assert body["message"] == {
        **document["message"],
        "subject": "",
        "personalization": {"variables": {}, "blocks": []},
    }
    assert body["scheduling"] == {
        **document["scheduling"],
        "startDate": "2030-11-28T09:00:00Z",
        "endDate": "2030-11-30T21:00:00Z",
    }
    assert body["abTest"]["winnerCriteria"] == "conversions"
    assert [v["id"] for v in body["abTest"]["variants"]] == ["A", "B"]
    assert body["abTest"]["variants"][0] == document["abTest"]["variants"][0]
    assert body["automation"]["triggers"] == document["automation"]["triggers"]
    assert body["automation"]["workflow"] == document["automation"]["workflow"]
    assert set(body["stats"]) == {
        "totalRecipients",
        "totalSent",
        "totalDelivered",
        "totalFailed",
        "totalOpened",
        "totalClicked",
        "totalConverted",
        "deliveryRate",
        "openRate",
        "clickRate",
        "conversionRate",
        "estimatedRevenue",
    }
    assert body["trackingUrl"] == document["trackingUrl"]
    assert body["errorLog"] == []
    assert body["startedAt"] is None


def test_create_stores_relational_parts(api, account, sender, segments, template):
    # given / when
    document = full_document(sender=sender, segments=segments, template=template)
    body = api.post(URL, document, content_type="application/json").json()

    # then the rows exist in the account, with history
    campaign = Campaign.objects.get(pk=body["id"])
    assert campaign.account == account
    assert campaign.sender == sender
    assert campaign.template == template
    assert list(campaign.segments.all()) == [segments[0]]
    assert list(campaign.exclude_segments.all()) == [segments[1]]
    assert [(v.key, v.split_percentage) for v in campaign.variants.all()] == [("A", 50), ("B", 50)]
    assert [s.step_id for s in campaign.workflow.all()] == ["welcome", "reminder"]
    assert campaign.triggers.get().condition == {"tag": "vip"}
    assert campaign.delivery_time.strftime("%H:%M") == "09:30"
    assert CampaignActivity.objects.filter(campaign=campaign, action="create").exists()


def test_create_with_only_a_name_takes_the_defaults(api, account):
    # when
    response = api.post(URL, {"name": "Hello"}, content_type="application/json")

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["phoneNumberId"] is None
    assert body["type"] == "broadcast"
    assert body["audience"]["type"] == "all"
    assert body["audience"]["excludeUnsubscribed"] is True
    assert body["scheduling"]["sendNow"] is True
    assert body["scheduling"]["timezone"] == account.timezone
    assert body["message"]["buttons"] == []


def test_create_ignores_read_only_fields(api):
    # given a client that sends what only the server decides
    document = {
        "name": "Sneaky",
        "id": 999999,
        "status": "running",
        "stats": {"totalSent": 1000},
        "audience": {"estimatedReach": 123456},
        "errorLog": [{"errorType": "x", "message": "y", "count": 1}],
        "startedAt": "2020-01-01T00:00:00Z",
    }

    # when
    body = api.post(URL, document, content_type="application/json").json()

    # then
    assert body["id"] != 999999
    assert body["status"] == "draft"
    assert body["stats"]["totalSent"] == 0
    assert body["audience"]["estimatedReach"] == 0
    assert body["errorLog"] == []
    assert body["startedAt"] is None


def test_naive_dates_are_read_in_the_campaigns_time_zone(api):
    # when a date without offset comes with a New York time zone
    document = {
        "name": "Local",
        "scheduling": {
            "sendNow": False,
            "timezone": "America/New_York",
            "startDate": "2030-07-01T09:00:00",
        },
    }
    body = api.post(URL, document, content_type="application/json").json()

    # then it is stored (and answered) in UTC: 09:00 EDT is 13:00 UTC
    assert body["scheduling"]["startDate"] == "2030-07-01T13:00:00Z"


def test_session_creation_records_the_user(marketer_client, user):
    # when a signed-in marketer creates through the browser session
    response = marketer_client.post(URL, {"name": "Mine"}, content_type="application/json")

    # then
    assert response.status_code == 201
    assert response.json()["createdBy"] == user.get_username()
    activity = CampaignActivity.objects.get(campaign_id=response.json()["id"])
    assert activity.actor == user


@pytest.mark.parametrize("name", ["Spring sale", "spring SALE", "  Spring sale  "])
def test_a_taken_name_is_refused(api, campaign, name):
    # when another campaign with the same name (any case) is posted
    response = api.post(URL, {"name": name}, content_type="application/json")

    # then
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert Campaign.objects.count() == 1


def test_the_same_name_is_fine_in_another_account(api, other_campaign):
    response = api.post(URL, {"name": other_campaign.name}, content_type="application/json")
    assert response.status_code == 201


def test_link_tracking_is_on_by_default_and_utm_parameters_are_kept(api, sender):
    # given a campaign without tracking settings, and one with UTM parameters, tracking off
    plain = api.post(
        URL, {"name": "Plain", "phoneNumberId": sender.phone_number_id}, "application/json"
    )
    tagged = api.post(
        URL,
        {
            "name": "Tagged",
            "trackLinks": False,
            "utmSource": " whatsapp ",
            "utmMedium": "chat",
            "utmCampaign": "spring sale",
        },
        content_type="application/json",
    )

    # then tracking is on unless turned off, and the parameters come back trimmed
    assert plain.status_code == 201, plain.content
    assert plain.json()["trackLinks"] is True
    assert tagged.status_code == 201, tagged.content
    body = tagged.json()
    assert (body["trackLinks"], body["utmSource"], body["utmMedium"], body["utmCampaign"]) == (
        False,
        "whatsapp",
        "chat",
        "spring sale",
    )
    campaign = Campaign.objects.get(pk=body["id"])
    assert (campaign.track_links, campaign.utm_campaign) == (False, "spring sale")


def test_a_utm_parameter_on_two_lines_or_too_long_is_refused_with_its_field(api):
    response = api.post(
        URL,
        {"name": "Bad", "utmSource": "a\nb", "utmCampaign": "x" * 101},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"utmSource", "utmCampaign"}
