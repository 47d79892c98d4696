"""A campaign made through the API goes out through each provider kind against local servers,
and signed status callbacks flow back into the stats the API and the details page show."""

import json

import pytest

from campaigns.models import Campaign
from delivery.models import Recipient
from messaging.models import Sender
from messaging.webhooks.signatures import twilio_signature, whatsapp_signature
from tests.delivery.helpers import drain
from tests.factories import ContactFactory, SenderFactory
from tests.messaging.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db

APP_SECRET = "e2e-app-secret"
SMS_TOKEN = "e2e-twilio-token"


def _create_and_send(api, sender, *, n: int = 3, **message) -> Campaign:
    account = sender.account
    for i in range(n):
        ContactFactory(account=account, first_name=f"P{i}", email=f"p{i}@example.org")
    document = {
        "name": f"E2E {sender.channel}",
        "type": "broadcast",
        "phoneNumberId": sender.phone_number_id,
        "audience": {"type": "all"},
        "message": {"type": "text", "content": "Hi {{first_name}}, the sale is on!", **message},
        "scheduling": {"sendNow": True},
    }
    created = api.post("/api/campaigns", document, content_type="application/json")
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    assert api.post(f"/api/campaigns/{campaign_id}/send").status_code == 202
    campaign = Campaign.objects.get(pk=campaign_id)
    from delivery import prepare

    prepare.campaign_prepare(campaign_id=campaign.pk)
    drain(campaign)
    return campaign


def _stats(api, campaign) -> dict:
    return api.get(f"/api/campaigns/{campaign.pk}/stats").json()


def test_whatsapp_send_then_signed_statuses_update_the_stats(
    account, api, logged_in_client, provider, django_capture_on_commit_callbacks
):
    sender = SenderFactory(
        account=account,
        channel=Sender.Channel.WHATSAPP,
        messaging_limit="TIER_UNLIMITED",  # the 24 h limit is test_pacing.py's
        api_base_url=provider.url,
        app_secret=APP_SECRET,
        rate_limit_per_second=0,
    )
    with django_capture_on_commit_callbacks(execute=False):
        campaign = _create_and_send(api, sender)
    assert len(provider.requests) == 3
    assert {r.json["text"]["body"] for r in provider.requests} == {
        "Hi P0, the sale is on!",
        "Hi P1, the sale is on!",
        "Hi P2, the sale is on!",
    }
    assert _stats(api, campaign)["totalSent"] == 3

    # when the provider reports two delivered (one of them also read) and one failed
    ids = list(
        Recipient.objects.filter(campaign=campaign).values_list("provider_message_id", flat=True)
    )
    statuses = [
        {"id": ids[0], "status": "delivered", "timestamp": "1750263773", "recipient_id": "1"},
        {"id": ids[0], "status": "read", "timestamp": "1750263780", "recipient_id": "1"},
        {"id": ids[1], "status": "delivered", "timestamp": "1750263774", "recipient_id": "2"},
        {
            "id": ids[2],
            "status": "failed",
            "timestamp": "1750263775",
            "recipient_id": "3",
            "errors": [{"code": 131026, "title": "Message undeliverable"}],
        },
    ]
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {"phone_number_id": sender.phone_number_id},
                                "statuses": statuses,
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    forged = logged_in_client.post(
        "/webhooks/whatsapp",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=whatsapp_signature("wrong", body),
    )
    assert forged.status_code in (401, 403)
    assert _stats(api, campaign)["totalDelivered"] == 0
    signed = logged_in_client.post(
        "/webhooks/whatsapp",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=whatsapp_signature(APP_SECRET, body),
    )
    assert signed.status_code == 200

    # then the API and the details page both show it
    stats = _stats(api, campaign)
    assert (stats["totalDelivered"], stats["totalOpened"], stats["totalFailed"]) == (2, 1, 1)
    page = logged_in_client.get(f"/dashboard/campaigns/{campaign.pk}/live-stats/").content
    assert b'data-stat="total_delivered">2<' in page
    assert b'data-stat="total_opened">1<' in page


def test_sms_send_then_a_signed_callback_updates_the_stats(
    account, api, provider, client, settings
):
    settings.PUBLIC_BASE_URL = "http://testserver"
    sender = SenderFactory(
        account=account,
        channel=Sender.Channel.SMS,
        api_base_url=provider.url,
        account_sid="AC123",
        auth_token=SMS_TOKEN,
        from_address="+15005550006",
        rate_limit_per_second=0,
    )
    campaign = _create_and_send(api, sender, n=2)
    forms = [r.form for r in provider.requests]
    assert sorted(f["Body"][0] for f in forms) == [
        "Hi P0, the sale is on!",
        "Hi P1, the sale is on!",
    ]
    sid = Recipient.objects.filter(campaign=campaign).first().provider_message_id
    params = {"MessageSid": sid, "MessageStatus": "delivered", "To": "+1", "From": "+1"}
    url = f"http://testserver/webhooks/sms/{sender.pk}"
    response = client.post(
        f"/webhooks/sms/{sender.pk}",
        params,
        HTTP_X_TWILIO_SIGNATURE=twilio_signature(SMS_TOKEN, url, list(params.items())),
    )
    assert response.status_code == 204
    assert _stats(api, campaign)["totalDelivered"] == 1


def test_email_send_reaches_a_real_smtp_server(account, api, settings):
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    with SmtpServer() as server:
        sender = SenderFactory(
            account=account,
            channel=Sender.Channel.EMAIL,
            api_base_url=f"smtp://mailer@127.0.0.1:{server.port}",
            from_address="Acme <news@acme.example>",
            rate_limit_per_second=0,
        )
        campaign = _create_and_send(api, sender, n=2, subject="Spring sale")
        mails = server.mails
    assert sorted(m.rcpt_to[0] for m in mails) == ["p0@example.org", "p1@example.org"]
    assert all(
        "the sale is on!" in m.message.get_payload(decode=False) or m.message.is_multipart()
        for m in mails
    )
    assert _stats(api, campaign)["totalSent"] == 2
    assert campaign.status == Campaign.Status.COMPLETED
