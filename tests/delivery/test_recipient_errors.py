"""The recipients API and page show the provider's error code and title, not only a message.

Errors come from where providers give them: a refusal of the send (a real answer of the
loopback stand-in, in Meta's ``GraphAPIError`` shape), a failed status webhook (Meta's
shape, read the same way by pywa), and a Twilio status callback signed by twilio's own
``RequestValidator``.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pywa import WhatsApp
from pywa.types import MessageStatus
from twilio.request_validator import RequestValidator

from delivery.models import Recipient
from messaging.models import Sender
from tests.delivery.helpers import drain, running_campaign
from tests.factories import CampaignFactory, ContactFactory, SenderFactory
from tests.messaging.meta_schema import errors as meta_errors
from tests.messaging.payloads import notification, post, status
from tests.messaging.test_account_errors import graph_error

pytestmark = pytest.mark.django_db

UNDELIVERABLE = graph_error(
    131026,
    "(#131026) Message undeliverable",
    details="Unable to deliver the message. The recipient's phone number is not on WhatsApp.",
)


def _recipients(api, campaign, **params) -> list[dict]:
    response = api.get(f"/api/campaigns/{campaign.pk}/recipients", params)
    assert response.status_code == 200
    return response.json()["items"]


def test_a_refused_send_shows_code_title_and_message(api, account, wa_sender, provider):
    # given: the provider refuses one contact's message
    campaign = running_campaign(account, wa_sender, 2)
    bad = Recipient.objects.filter(campaign=campaign).select_related("contact").first()
    provider.errors_for[bad.contact.phone] = (400, UNDELIVERABLE)
    # when
    drain(campaign)
    # then: the API gives the code, Meta's title and its details
    [row] = [r for r in _recipients(api, campaign) if r["id"] == bad.pk]
    assert row["status"] == "failed"
    assert row["errorCode"] == "131026"
    assert row["errorTitle"] == "Message undeliverable"
    assert row["errorMessage"] == UNDELIVERABLE["error"]["error_data"]["details"]
    assert row["error"] == row["errorMessage"]  # the older field keeps its meaning
    [ok] = [r for r in _recipients(api, campaign) if r["id"] != bad.pk]
    assert (ok["errorCode"], ok["errorTitle"], ok["errorMessage"], ok["error"]) == (
        None,
        None,
        None,
        None,
    )


@pytest.fixture
def sent(account, wa_sender):
    campaign = CampaignFactory(account=account, sender=wa_sender, status="running")
    contact = ContactFactory(account=account, phone="+16505551234")
    recipient = Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=contact,
        status=Recipient.Status.SENT,
        provider_message_id="wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI",
        sent_at=timezone.now(),
    )
    return campaign, recipient


def test_a_failed_status_webhook_shows_code_title_and_details(client, api, wa_sender, sent):
    # given: Meta's failed status for the message, with its error object
    campaign, recipient = sent
    Sender.objects.filter(pk=wa_sender.pk).update(
        phone_number_id="106540352242922", app_secret="app-secret-1"
    )
    error = {
        "code": 131049,
        "title": "This message was not delivered to maintain healthy ecosystem engagement.",
        "message": "This message was not delivered to maintain healthy ecosystem engagement.",
        "error_data": {
            "details": "In order to maintain a healthy ecosystem engagement, the "
            "message failed to be delivered."
        },
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
    }
    body = notification(statuses=[status(recipient.provider_message_id, "failed", errors=[error])])
    assert meta_errors("WebhookPayload", body) == []
    read = MessageStatus.from_update(
        client=WhatsApp(phone_id="106540352242922", token="x", server=None),
        update=body | {"entry": [_with_user_id(body["entry"][0])]},
    )
    # when
    assert post(client, body).status_code == 200
    # then: what pywa reads from the error is what the API shows
    [row] = _recipients(api, campaign)
    assert row["status"] == "failed"
    assert row["errorCode"] == str(read.error.code)
    assert row["errorTitle"] == error["title"]
    assert row["errorMessage"] == read.error.details


def _with_user_id(entry: dict) -> dict:
    """pywa also wants the business-scoped user id current payloads carry."""
    value = entry["changes"][0]["value"]
    value = value | {
        "contacts": [
            {
                "profile": {"name": "Ada"},
                "wa_id": "16505551234",
                "user_id": "US.13491208655302741918",
            }
        ]
    }
    return entry | {"changes": [entry["changes"][0] | {"value": value}]}


def test_an_undelivered_sms_callback_shows_twilios_title(client, api, account, settings):
    # given: a sent SMS and Twilio's signed "undelivered" callback with its error code
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    sender = SenderFactory(
        account=account,
        channel=Sender.Channel.SMS,
        phone_number_id="sms-1",
        account_sid="AC" + "1" * 32,
        auth_token="twilio-auth-token",
        from_address="+15005550006",
    )
    campaign = CampaignFactory(account=account, sender=sender, status="running")
    recipient = Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=ContactFactory(account=account, phone="+16505551234"),
        status=Recipient.Status.SENT,
        provider_message_id="SM" + "c" * 32,
        sent_at=timezone.now(),
    )
    params = {
        "MessageSid": recipient.provider_message_id,
        "AccountSid": sender.account_sid,
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "From": "+15005550006",
        "To": "+16505551234",
    }
    url = f"http://testserver/webhooks/sms/{sender.pk}"
    signature = RequestValidator("twilio-auth-token").compute_signature(url, params)
    # when
    response = Client().post(
        f"/webhooks/sms/{sender.pk}", params, HTTP_X_TWILIO_SIGNATURE=signature
    )
    # then
    assert response.status_code == 204
    [row] = _recipients(api, campaign)
    assert (row["status"], row["errorCode"], row["errorTitle"]) == (
        "failed",
        "30003",
        "Unreachable destination handset",
    )


def test_the_openapi_description_documents_the_error_fields(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    properties = schema["DeliveryRecipientOut"]["properties"]
    for name in ("errorCode", "errorTitle", "errorMessage", "error"):
        assert properties[name]["description"], name
    assert "131026" in properties["errorCode"]["description"]


@pytest.fixture
def page_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_recipients_page_shows_code_title_and_message(
    page_client, account, wa_sender, provider
):
    # given: a campaign with one refused message
    campaign = running_campaign(account, wa_sender, 3)
    bad = Recipient.objects.filter(campaign=campaign).select_related("contact").first()
    provider.errors_for[bad.contact.phone] = (400, UNDELIVERABLE)
    drain(campaign)
    # when: the page is opened, filtered on the failures
    url = reverse("campaigns:campaign_recipients", args=[campaign.pk])
    response = page_client.get(url, {"status": "failed"})
    # then: one row, with the code, the title and the details
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-recipient=") == 1
    assert f'data-recipient="{bad.pk}"' in html
    assert '<code class="error-code">131026</code>' in html
    assert "Message undeliverable" in html
    assert "not on WhatsApp" in html
    # and unfiltered, everyone
    assert page_client.get(url).content.decode().count("data-recipient=") == 3


def test_the_recipients_page_escapes_what_the_provider_wrote(page_client, account, wa_sender):
    campaign = CampaignFactory(account=account, sender=wa_sender, status="running")
    Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=ContactFactory(account=account),
        status=Recipient.Status.FAILED,
        error_code="131000",
        error_title="<script>alert(1)</script>",
        error_message="<img src=x onerror=alert(1)>",
    )
    html = page_client.get(reverse("campaigns:campaign_recipients", args=[campaign.pk]))
    html = html.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_another_accounts_recipients_page_is_404(page_client, other_account):
    theirs = CampaignFactory(account=other_account, status="running")
    response = page_client.get(reverse("campaigns:campaign_recipients", args=[theirs.pk]))
    assert response.status_code == 404


def test_an_unknown_status_filter_shows_everyone(page_client, account, wa_sender):
    campaign = running_campaign(account, wa_sender, 2)
    url = reverse("campaigns:campaign_recipients", args=[campaign.pk])
    response = page_client.get(url, {"status": "nonsense", "page": "x"})
    assert response.status_code == 200
    assert response.content.decode().count("data-recipient=") == 2
