"""Our SMS requests, field by field, against what Twilio's own SDK sends for the same message
(``client.messages.create(...)``, pointed at the same loopback stand-in)."""

import pytest

from messaging.models import Sender
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from messaging.providers.sms import status_callback_url
from tests.factories import SenderFactory
from tests.messaging.twilio_reference import assert_same_request, twilio_request, wire_form

TOKEN = "twilio-auth-token"
SID = "AC0123456789abcdef0123456789abcdef"
SERVICE = "MG9752274e9e519418a7406176694466fa"


@pytest.fixture
def sms_sender(account, provider, settings):
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    return SenderFactory(
        account=account,
        channel=Sender.Channel.SMS,
        api_base_url=provider.url,
        account_sid=SID,
        auth_token=TOKEN,
        from_address="+15005550006",
        rate_limit_per_second=0,
    )


def _send(sender, **message):
    adapter = get_adapter(sender, rate_limited=False)
    try:
        result = adapter.send(
            OutboundMessage(recipient_id=1, callback_data="recipient:1", **message)
        )
    finally:
        adapter.close()
    assert result.ok, result
    return result


@pytest.mark.parametrize(
    ("message", "sdk_extra"),
    [
        ({"text": "Sale today"}, {}),
        ({"text": "Día de rebajas 🎉\nHasta el 50 % — {ven}"}, {}),
        (
            {
                "text": "New in",
                "media_urls": ("https://cdn.example.com/a.jpg", "https://cdn.example.com/b.png"),
            },
            {"media_url": ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.png"]},
        ),
    ],
)
def test_from_number_request_is_the_sdks(sms_sender, provider, message, sdk_extra):
    # when we send, and the SDK sends the same message
    _send(sms_sender, to_phone="+16505551234", **message)
    theirs = twilio_request(
        provider,
        account_sid=SID,
        auth_token=TOKEN,
        to="+16505551234",
        from_="+15005550006",
        body=message["text"],
        status_callback=f"https://campaigns.example.com/webhooks/sms/{sms_sender.pk}",
        **sdk_extra,
    )
    # then
    ours = provider.requests[0]
    assert_same_request(ours, theirs)
    assert wire_form(ours)["StatusCallback"] == [status_callback_url(sms_sender)]


def test_messaging_service_request_is_the_sdks(sms_sender, provider):
    # given a sender that sends through a Messaging Service (its From number stays stored)
    sms_sender.messaging_service_sid = SERVICE
    sms_sender.save(update_fields=["messaging_service_sid"])
    # when
    _send(sms_sender, to_phone="+16505551234", text="Sale today")
    theirs = twilio_request(
        provider,
        account_sid=SID,
        auth_token=TOKEN,
        to="+16505551234",
        messaging_service_sid=SERVICE,
        body="Sale today",
        status_callback=status_callback_url(sms_sender),
    )
    # then: MessagingServiceSid, and no From
    ours = provider.requests[0]
    assert_same_request(ours, theirs)
    assert wire_form(ours)["MessagingServiceSid"] == [SERVICE]
    assert "From" not in wire_form(ours)


def test_a_body_personalised_past_the_limit_is_failed_unsent(sms_sender, provider):
    adapter = get_adapter(sms_sender, rate_limited=False)
    result = adapter.send(
        OutboundMessage(
            recipient_id=1, callback_data="recipient:1", to_phone="+16505551234", text="€" * 801
        )
    )
    adapter.close()
    assert (result.ok, result.transient, result.error_code) == (False, False, "21617")
    assert "1,602" in result.error_message
    assert provider.requests == []
