"""Done when, for SMS: a campaign goes out through the real pipeline to the Twilio-compatible
stand-in with StatusCallback set from PUBLIC_BASE_URL; Twilio-signed callbacks, posted over
HTTP to that very URL, move every recipient to delivered; and each request that arrived is
the one Twilio's SDK sends for the same message."""

import pytest
import requests
from twilio.request_validator import RequestValidator

from campaigns.models import Campaign
from delivery import control
from delivery.models import Recipient
from messaging.models import Sender
from tests.campaigns.world import audience, campaign_of
from tests.factories import SenderFactory
from tests.messaging.twilio_reference import assert_same_request, twilio_request, wire_form

pytestmark = pytest.mark.django_db(transaction=True)

SID = "AC0123456789abcdef0123456789abcdef"
TOKEN = "twilio-auth-token-e2e"
SERVICE = "MG9752274e9e519418a7406176694466fa"
FROM = "+15005550006"
CONTENT = "Hi {{first_name}}, 20% off today – reply STOP to opt out"


def _twilio_posts(url: str, params: dict, *, signed_over: str = "") -> requests.Response:
    """A status callback as Twilio makes it: form-encoded, signed over the URL it was given."""
    signature = RequestValidator(TOKEN).compute_signature(signed_over or url, params)
    with requests.Session() as session:
        session.trust_env = False  # straight to the loopback server, never through a proxy
        return session.post(url, data=params, headers={"X-Twilio-Signature": signature})


@pytest.mark.parametrize("origin", ["from", "messaging_service"])
def test_an_sms_campaign_is_sent_called_back_and_delivered(
    account, provider, live_server, settings, origin
):
    # given: the install's public address, an SMS sender and an audience of three
    settings.PUBLIC_BASE_URL = live_server.url
    settings.CAMPAIGNS_TASKS_SYNC = True
    sender = SenderFactory(
        account=account,
        channel=Sender.Channel.SMS,
        api_base_url=provider.url,
        account_sid=SID,
        auth_token=TOKEN,
        from_address=FROM,
        messaging_service_sid=SERVICE if origin == "messaging_service" else "",
        rate_limit_per_second=0,
    )
    phones = audience(account, 3)
    campaign = campaign_of(
        account, Campaign.Type.BROADCAST, sender=sender, send_now=True, message_content=CONTENT
    )

    # when it is published: the pipeline runs inline after the commit
    control.campaign_publish(campaign=campaign)

    # then one request per subscribed contact, each the one Twilio's SDK sends
    ours = list(provider.requests)
    assert sorted(r.to for r in ours) == sorted(phones)
    callback = f"{live_server.url}/webhooks/sms/{sender.pk}"
    origin_argument = (
        {"messaging_service_sid": SERVICE} if origin == "messaging_service" else {"from_": FROM}
    )
    recipients = Recipient.objects.filter(campaign=campaign).select_related("contact")
    by_phone = {r.contact.phone: r for r in recipients}
    for request in ours:
        contact = by_phone[request.to].contact
        assert wire_form(request)["StatusCallback"] == [callback]
        theirs = twilio_request(
            provider,
            account_sid=SID,
            auth_token=TOKEN,
            to=contact.phone,
            body=f"Hi {contact.first_name}, 20% off today – reply STOP to opt out",
            status_callback=callback,
            **origin_argument,
        )
        assert_same_request(request, theirs)
    assert {r.status for r in recipients} == {Recipient.Status.SENT}

    # when Twilio calls back, sent then delivered, for every message
    for recipient in recipients:
        for status in ("sent", "delivered"):
            params = {
                "AccountSid": SID,
                "ApiVersion": "2010-04-01",
                "MessageSid": recipient.provider_message_id,
                "SmsSid": recipient.provider_message_id,
                "MessageStatus": status,
                "SmsStatus": status,
                "To": recipient.contact.phone,
                **({"MessagingServiceSid": SERVICE} if origin == "messaging_service" else {}),
                "From": FROM,
            }
            assert _twilio_posts(callback, params).status_code == 204

    # then everyone is delivered, and the campaign's figures say so
    assert set(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True)) == {
        Recipient.Status.DELIVERED
    }
    campaign.refresh_from_db()
    assert (campaign.total_sent, campaign.total_delivered) == (3, 3)

    # and a callback signed over another address is refused and changes nothing
    params = {"MessageSid": recipients[0].provider_message_id, "MessageStatus": "undelivered"}
    forged = _twilio_posts(callback, params, signed_over="https://elsewhere.example/x")
    assert forged.status_code == 403
    assert (
        not Recipient.objects.filter(campaign=campaign)
        .exclude(status=Recipient.Status.DELIVERED)
        .exists()
    )
