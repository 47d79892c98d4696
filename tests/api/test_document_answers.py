"""Issue 9, item 18: the API answers one shape and one naming convention.

Lists are ``{items, count}``; JSON keys are camelCase and multi-word enum values kebab-case
(like the spec's ``ab-test``); personalization is read and written; ``message.variables`` is
filled from the content; ``createdBy`` names the API key that created a campaign.
"""

import json

import pytest
from django.test import Client
from django.utils import timezone

from accounts.services import api_key_create
from analytics.models import Event
from campaigns.models import Campaign
from campaigns.services.personalization import message_render
from delivery.models import Recipient
from delivery.status import status_apply
from messaging.statuses import StatusUpdate
from tests.factories import CampaignFactory, ContactFactory, MessageTemplateFactory

# Maps whose keys are the user's own names (variable names, filter fields, attributes).
USER_KEYED = {"customFilters", "condition", "conditions", "variables", "attributes"}


def snake_keys(data, path="") -> list[str]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else key
            if "_" in key:
                found.append(here)
            if key not in USER_KEYED:
                found += snake_keys(value, here)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += snake_keys(value, f"{path}.{index}")
    return found


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def sent_campaign(account):
    """A running campaign whose recipients sit in every status, with status events written by
    the real status service (which stores ``provider_message_id`` in each event)."""
    campaign = CampaignFactory(
        account=account, status=Campaign.Status.RUNNING, started_at=timezone.now()
    )
    recipients = []
    for index, status in enumerate(Recipient.Status.values):  # "sent" becomes "read" below
        recipients.append(
            Recipient(
                account=account,
                campaign=campaign,
                contact=ContactFactory(account=account),
                status=status,
                provider_message_id=f"wamid.{campaign.pk}.{index}" if status == "sent" else "",
            )
        )
    Recipient.objects.bulk_create(recipients)
    sent = Recipient.objects.get(campaign=campaign, status=Recipient.Status.SENT)
    result = status_apply(
        updates=[StatusUpdate(provider_message_id=sent.provider_message_id, status="read")]
    )
    assert result.applied == 1
    return campaign


def test_recipients_and_events_are_items_and_count(api, sent_campaign):
    # when
    recipients = api.get(f"/api/campaigns/{sent_campaign.pk}/recipients").json()
    events = api.get(f"/api/campaigns/{sent_campaign.pk}/events").json()

    # then
    assert set(recipients) == {"items", "count"}
    assert recipients["count"] == len(Recipient.Status.values)
    assert set(events) == {"items", "count"}
    assert events["count"] == Event.objects.filter(campaign=sent_campaign).count() >= 1


def test_no_snake_case_in_any_answer_about_a_sent_campaign(api, sent_campaign):
    # given every read of the campaign's document and delivery
    base = f"/api/campaigns/{sent_campaign.pk}"
    answers = {
        url: api.get(url).json()
        for url in (
            base,
            "/api/campaigns",
            f"{base}/stats",
            f"{base}/recipients",
            f"{base}/events",
            f"{base}/analytics",
        )
    }

    # then no key is snake_case ...
    for url, body in answers.items():
        assert snake_keys(body) == [], url
    # ... nor a status value
    statuses = {item["status"] for item in answers[f"{base}/recipients"]["items"]}
    assert "retry-scheduled" in statuses
    assert not any("_" in status for status in statuses)
    assert "retry-scheduled" in answers[f"{base}/stats"]["queue"]
    assert answers[f"{base}/analytics"]["byVariant"][0]["deliveryRate"] >= 0
    event_data = [e["data"] for e in answers[f"{base}/events"]["items"]]
    assert any("providerMessageId" in data for data in event_data)


@pytest.mark.parametrize("spelling", ["retry-scheduled", "retry_scheduled"])
def test_the_status_filter_takes_both_spellings(api, sent_campaign, spelling):
    # when
    page = api.get(f"/api/campaigns/{sent_campaign.pk}/recipients", {"status": spelling}).json()

    # then
    assert page["count"] == 1
    assert page["items"][0]["status"] == "retry-scheduled"


def test_the_openapi_document_names_the_kebab_case_statuses(client):
    schema = client.get("/api/openapi.json").json()
    params = schema["paths"]["/api/campaigns/{campaignId}/recipients"]["get"]["parameters"]
    status = next(p for p in params if p["name"] == "status")
    assert "retry-scheduled" in json.dumps(status["schema"])
    assert "retry_scheduled" not in json.dumps(status["schema"])


PERSONALIZATION = {
    "variables": {
        "first_name": {"source": "field", "value": "first_name", "fallback": "friend"},
        "city": {"source": "attribute", "value": "city", "fallback": "your town"},
    },
    "blocks": [
        {"field": "attribute:vip", "operator": "eq", "value": "yes", "text": "VIP early access!"}
    ],
}


def test_personalization_is_written_and_read_through_the_api(api, account):
    # given
    document = {
        "name": "Personal",
        "message": {
            "type": "text",
            "content": "Hi {{first_name}} from {{city}}",
            "personalization": PERSONALIZATION,
        },
    }

    # when
    created = post(api, "/api/campaigns", document)

    # then the answer and a later read show it
    assert created.status_code == 201, created.content
    read = api.get(f"/api/campaigns/{created.json()['id']}").json()
    assert read["message"]["personalization"] == PERSONALIZATION
    # and the send path renders with it: the fallbacks fill what the contact lacks
    campaign = Campaign.objects.get(pk=created.json()["id"])
    contact = ContactFactory(account=account, first_name="", attributes={"vip": "yes"})
    text = message_render(campaign=campaign, contact=contact)
    assert text.startswith("Hi friend from your town")
    assert "VIP early access!" in text


def test_a_put_without_personalization_keeps_it_and_one_with_it_replaces_it(api, account):
    # given
    created = post(
        api,
        "/api/campaigns",
        {"name": "Keep", "message": {"content": "Hi", "personalization": PERSONALIZATION}},
    ).json()
    url = f"/api/campaigns/{created['id']}"

    # when a PUT leaves personalization out
    kept = put(api, url, {"name": "Keep", "message": {"content": "Hello"}}).json()

    # then it stays; and a PUT that gives it replaces it
    assert kept["message"]["personalization"] == PERSONALIZATION
    replaced = put(
        api, url, {"name": "Keep", "message": {"content": "Hello", "personalization": {}}}
    ).json()
    assert replaced["message"]["personalization"] == {"variables": {}, "blocks": []}


@pytest.mark.parametrize(
    ("personalization", "field"),
    [
        ({"variables": {"x": {"source": "field", "value": "shoe_size"}}}, "variables.x.value"),
        ({"variables": {"x": {"source": "magic"}}}, "variables.x.source"),
        ({"blocks": [{"field": "nowhere", "text": "t"}]}, "blocks.0.field"),
    ],
)
def test_bad_personalization_is_422_with_its_path(api, account, personalization, field):
    # when
    response = post(
        api,
        "/api/campaigns",
        {"name": "Bad", "message": {"content": "Hi", "personalization": personalization}},
    )

    # then
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert f"message.personalization.{field}" in fields
    assert not Campaign.objects.filter(name="Bad").exists()


def test_message_variables_are_filled_from_the_content(api, account):
    # when
    created = post(
        api,
        "/api/campaigns",
        {
            "name": "Vars",
            "message": {
                "type": "text",
                "content": "Hi {{first_name}}, {% if attributes.vip %}VIP {% endif %}{{code}}",
            },
        },
    ).json()

    # then the answer and a read list them in order of use
    expected = ["{{first_name}}", "{{attributes.vip}}", "{{code}}"]
    assert created["message"]["variables"] == expected
    assert api.get(f"/api/campaigns/{created['id']}").json()["message"]["variables"] == expected


def test_a_template_message_lists_the_templates_variables(api, account):
    # given
    template = MessageTemplateFactory(
        account=account,
        body="Hi {{first_name}}, use {{code}}",
        variables=[{"name": "first_name", "example": "Ada"}, {"name": "code", "example": "X1"}],
    )

    # when
    created = post(
        api,
        "/api/campaigns",
        {"name": "Tpl", "message": {"type": "template", "templateId": template.pk}},
    ).json()

    # then
    assert created["message"]["variables"] == ["{{first_name}}", "{{code}}"]


def test_given_variables_are_kept(api, account):
    created = post(
        api,
        "/api/campaigns",
        {"name": "Given", "message": {"content": "Hi {{a}}", "variables": ["{{b}}"]}},
    ).json()
    assert created["message"]["variables"] == ["{{b}}"]


def test_created_by_is_the_api_keys_name(account):
    # given a key created from the command line (no user behind it)
    _, raw = api_key_create(account=account, name="Shopify sync")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    # when
    created = post(client, "/api/campaigns", {"name": "From a key"})

    # then
    assert created.status_code == 201
    assert created.json()["createdBy"] == "Shopify sync"
    assert client.get(f"/api/campaigns/{created.json()['id']}").json()["createdBy"] == (
        "Shopify sync"
    )
    listed = client.get("/api/campaigns").json()["items"]
    assert [c["createdBy"] for c in listed] == ["Shopify sync"]


def test_created_by_is_the_username_for_a_signed_in_user(marketer_client, user):
    created = post(marketer_client, "/api/campaigns", {"name": "From the browser"})
    assert created.status_code == 201
    assert created.json()["createdBy"] == user.get_username()
