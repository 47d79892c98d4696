"""The Twilio-compatible SMS adapter and its signed status / inbound webhook."""

import base64
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from analytics.models import Event
from audience.models import Contact
from delivery.models import Recipient
from messaging.models import Sender
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from messaging.webhooks.signatures import twilio_signature
from tests.factories import CampaignFactory, ContactFactory, SenderFactory

TOKEN = "twilio-auth-token"


@pytest.fixture
def sms_sender(account, provider, settings):
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    return SenderFactory(
        account=account,
        channel=Sender.Channel.SMS,
        api_base_url=provider.url,
        account_sid="AC123",
        auth_token=TOKEN,
        from_address="+15005550006",
        rate_limit_per_second=0,
    )


def _sms(i=1, **kw):
    data = {"recipient_id": i, "callback_data": f"recipient:{i}", "to_phone": "+16505551234"}
    data.update({"text": "Sale today", **kw})
    return OutboundMessage(**data)


def test_sms_is_posted_form_encoded_with_basic_auth_and_status_callback(sms_sender, provider):
    adapter = get_adapter(sms_sender)
    result = adapter.send(_sms())
    adapter.close()
    assert result.ok
    assert result.provider_message_id.startswith("SM")
    [request] = provider.requests
    assert request.path == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request.headers["Authorization"].startswith("Basic ")
    assert base64.b64decode(request.headers["Authorization"][6:]) == f"AC123:{TOKEN}".encode()
    form = parse_qs(request.body.decode())
    assert form["To"] == ["+16505551234"]
    assert form["From"] == ["+15005550006"]
    assert form["Body"] == ["Sale today"]
    assert form["StatusCallback"] == [f"https://campaigns.example.com/webhooks/sms/{sms_sender.pk}"]


@pytest.mark.parametrize(
    ("status", "body", "transient", "throttled", "auth_failed"),
    [
        (400, {"code": 21211, "message": "Invalid 'To' Phone Number"}, False, False, False),
        (429, {"code": 20429, "message": "Too Many Requests"}, True, True, False),
        (401, {"code": 20003, "message": "Authenticate"}, False, False, True),
        (503, {"message": "down"}, True, False, False),
    ],
)
def test_sms_error_mapping(sms_sender, provider, status, body, transient, throttled, auth_failed):
    provider.queue_response(status, body)
    adapter = get_adapter(sms_sender, rate_limited=False)
    result = adapter.send(_sms())
    adapter.close()
    assert not result.ok
    assert (result.transient, result.throttled, result.auth_failed) == (
        transient,
        throttled,
        auth_failed,
    )
    assert result.error_code == str(body.get("code", f"http_{status}"))


def _post(client, sender, params: dict, *, token=TOKEN, signature=None):
    url = f"http://testserver/webhooks/sms/{sender.pk}"
    if signature is None:
        signature = twilio_signature(token, url, list(params.items()))
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(f"/webhooks/sms/{sender.pk}", params, **headers)


@pytest.fixture
def sms_recipient(account, sms_sender):
    campaign = CampaignFactory(account=account, sender=sms_sender, status="running")
    contact = ContactFactory(account=account, phone="+16505551234")
    return Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=contact,
        status=Recipient.Status.SENT,
        provider_message_id="SM0001",
        sent_at=timezone.now(),
    )


def test_signed_delivered_callback_moves_recipient(client, sms_sender, sms_recipient):
    response = _post(client, sms_sender, {"MessageSid": "SM0001", "MessageStatus": "delivered"})
    assert response.status_code == 204
    sms_recipient.refresh_from_db()
    assert sms_recipient.status == Recipient.Status.DELIVERED
    assert (
        sms_recipient.campaign.__class__.objects.get(pk=sms_recipient.campaign_id).total_delivered
        == 1
    )


def test_undelivered_callback_fails_with_error_code(client, sms_sender, sms_recipient):
    params = {"MessageSid": "SM0001", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    response = _post(client, sms_sender, params)
    assert response.status_code == 204
    sms_recipient.refresh_from_db()
    assert sms_recipient.status == Recipient.Status.FAILED
    assert sms_recipient.error_code == "30003"


def test_queued_and_sending_callbacks_change_nothing(client, sms_sender, sms_recipient):
    for status in ("queued", "sending"):
        assert (
            _post(client, sms_sender, {"MessageSid": "SM0001", "MessageStatus": status}).status_code
            == 204
        )
    sms_recipient.refresh_from_db()
    assert sms_recipient.status == Recipient.Status.SENT


@pytest.mark.parametrize("signature", ["", "bm90LXRoZS1zaWduYXR1cmU="])
def test_wrong_or_missing_signature_changes_nothing(client, sms_sender, sms_recipient, signature):
    params = {"MessageSid": "SM0001", "MessageStatus": "delivered"}
    if signature:
        response = _post(client, sms_sender, params, signature=signature)
        assert response.status_code == 403
    else:
        response = client.post(f"/webhooks/sms/{sms_sender.pk}", params)
        assert response.status_code == 401
    sms_recipient.refresh_from_db()
    assert sms_recipient.status == Recipient.Status.SENT
    assert not Event.objects.exists()


def test_signature_with_another_token_is_refused(client, sms_sender, sms_recipient):
    params = {"MessageSid": "SM0001", "MessageStatus": "delivered"}
    assert _post(client, sms_sender, params, token="other-token").status_code == 403


def test_signature_covers_the_full_url_behind_a_tls_proxy(client, sms_sender, settings):
    # given: the public URL is https, as Twilio signs it
    settings.ALLOWED_HOSTS = ["campaigns.example.com", "testserver"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = f"https://campaigns.example.com/webhooks/sms/{sms_sender.pk}"
    params = {"MessageSid": "SM-unknown", "MessageStatus": "delivered"}
    signature = twilio_signature(TOKEN, url, list(params.items()))
    # when
    response = client.post(
        f"/webhooks/sms/{sms_sender.pk}",
        params,
        HTTP_X_TWILIO_SIGNATURE=signature,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_HOST="campaigns.example.com",
    )
    # then
    assert response.status_code == 204


@pytest.mark.parametrize("word", ["STOP", " stop ", "Arret", "baja"])
def test_inbound_stop_unsubscribes(client, account, sms_sender, word):
    contact = ContactFactory(account=account, phone="+16505559876")
    params = {"MessageSid": "SMin1", "From": "+16505559876", "To": "+15005550006", "Body": word}
    response = _post(client, sms_sender, params)
    assert response.status_code == 200
    assert b"<Response>" in response.content
    contact.refresh_from_db()
    assert not contact.subscribed
    assert contact.unsubscribed_at is not None
    assert Event.objects.filter(contact=contact, type=Event.Type.UNSUBSCRIBED).count() == 1


def test_inbound_other_text_keeps_subscription(client, account, sms_sender):
    contact = ContactFactory(account=account, phone="+16505559876")
    params = {"MessageSid": "SMin2", "From": "+16505559876", "Body": "stop by tomorrow?"}
    assert _post(client, sms_sender, params).status_code == 200
    contact.refresh_from_db()
    assert contact.subscribed


def test_stop_from_another_accounts_number_is_ignored(client, account, other_account, sms_sender):
    theirs = ContactFactory(account=other_account, phone="+16505559876")
    params = {"MessageSid": "SMin3", "From": "+16505559876", "Body": "STOP"}
    assert _post(client, sms_sender, params).status_code == 200
    theirs.refresh_from_db()
    assert theirs.subscribed
    assert Contact.objects.filter(subscribed=False).count() == 0
