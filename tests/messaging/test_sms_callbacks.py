"""SMS status callbacks against Twilio's own ``RequestValidator``: our signatures are its
signatures, our verification accepts and refuses what it does, and a callback signed over the
StatusCallback URL we derive from PUBLIC_BASE_URL moves the recipient."""

import pytest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from campaigns.models import Campaign
from delivery.models import Recipient
from messaging.models import Sender
from messaging.providers.sms import status_callback_url
from messaging.webhooks.signatures import twilio_signature, twilio_signature_valid
from tests.factories import CampaignFactory, ContactFactory, SenderFactory

TOKEN = "twilio-auth-token-1"
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
NAMES = st.sampled_from(["MessageSid", "MessageStatus", "To", "From", "Body", "MediaUrl0", "A"])
# Repeated names and repeated values included: an inbound MMS carries lists.
PARAMS = st.lists(st.tuples(NAMES, TEXT), max_size=8)
URLS = st.sampled_from(
    [
        "https://campaigns.example.com/webhooks/sms/7",
        "https://campaigns.example.com:443/webhooks/sms/7",
        "http://127.0.0.1:8000/webhooks/sms/7",
        "https://campaigns.example.com/base/webhooks/sms/7?x=1",
    ]
)


def _multidict(params: list[tuple[str, str]]) -> MultiValueDict:
    """The parameters as a request holds them (a Django QueryDict is a MultiValueDict)."""
    data = MultiValueDict()
    for name, value in params:
        data.appendlist(name, value)
    return data


@settings(max_examples=200, deadline=None)
@given(token=TEXT.filter(bool), url=URLS, params=PARAMS)
def test_our_signature_is_twilios(token, url, params):
    assert twilio_signature(token, url, params) == RequestValidator(token).compute_signature(
        url, _multidict(params)
    )


def _port_spellings(url: str) -> list[str]:
    """The URL as Twilio may sign it: with and without the scheme's default port."""
    return [url, url.replace("example.com/", "example.com:443/", 1), url.replace(":443", "")]


@settings(max_examples=200, deadline=None)
@given(url=URLS, params=PARAMS, signed_url=URLS, token=st.sampled_from([TOKEN, "other-token"]))
def test_our_verification_agrees_with_twilios_both_ways(url, params, signed_url, token):
    validator = RequestValidator(TOKEN)
    for spelling in _port_spellings(signed_url):
        # a signature Twilio's SDK made, over this spelling of a URL, with some token
        signature = RequestValidator(token).compute_signature(spelling, _multidict(params))
        expected = validator.validate(url, _multidict(params), signature)
        assert twilio_signature_valid(TOKEN, url, params, signature) is expected
    # and one we made is one Twilio's SDK accepts
    ours = twilio_signature(TOKEN, url, params)
    assert validator.validate(url, _multidict(params), ours)


@pytest.fixture
def sms_sender(account, settings):
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    return SenderFactory(
        account=account,
        channel=Sender.Channel.SMS,
        account_sid="AC123",
        auth_token=TOKEN,
        from_address="+15005550006",
    )


@pytest.fixture
def sent(account, sms_sender):
    campaign = CampaignFactory(account=account, sender=sms_sender, status="running")
    return Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=ContactFactory(account=account, phone="+16505551234"),
        status=Recipient.Status.SENT,
        provider_message_id="SM0001",
        sent_at=timezone.now(),
    )


def _callback(client, sender, params: dict, signature: str):
    # The test client's host is "testserver": only the signed StatusCallback URL can match.
    return client.post(f"/webhooks/sms/{sender.pk}", params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_callback_signed_over_the_status_callback_url_moves_the_recipient(
    client, sms_sender, sent
):
    # given: what Twilio signs, the StatusCallback URL we sent it
    url = status_callback_url(sms_sender)
    assert url == f"https://campaigns.example.com/webhooks/sms/{sms_sender.pk}"
    params = {"MessageSid": "SM0001", "MessageStatus": "delivered", "AccountSid": "AC123"}
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    # when
    response = _callback(client, sms_sender, params, signature)
    # then
    assert response.status_code == 204
    sent.refresh_from_db()
    assert sent.status == Recipient.Status.DELIVERED
    assert Campaign.objects.get(pk=sent.campaign_id).total_delivered == 1


def test_a_callback_signed_over_another_url_or_token_changes_nothing(client, sms_sender, sent):
    params = {"MessageSid": "SM0001", "MessageStatus": "delivered"}
    url = status_callback_url(sms_sender)
    elsewhere = RequestValidator(TOKEN).compute_signature("https://evil.example/x", params)
    wrong_token = RequestValidator("not-the-token").compute_signature(url, params)
    for signature in (elsewhere, wrong_token):
        assert _callback(client, sms_sender, params, signature).status_code == 403
    sent.refresh_from_db()
    assert sent.status == Recipient.Status.SENT


def test_a_signature_header_that_is_not_ascii_is_refused_not_a_crash(client, sms_sender, sent):
    params = {"MessageSid": "SM0001", "MessageStatus": "delivered"}
    assert _callback(client, sms_sender, params, "sïgnature").status_code == 403
