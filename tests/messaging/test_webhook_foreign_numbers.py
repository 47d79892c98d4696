"""Webhooks about numbers that are not ours are answered 200 and dropped, with a log line.

A 403 would make Meta (and Twilio) retry them for days. Our own numbers still refuse a bad
signature. Bodies follow Meta's official description (validated against its
``WebhookPayload`` schema); Twilio callbacks are signed with twilio's own
``RequestValidator``.
"""

import logging

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from analytics.models import Event
from audience.models import Contact
from campaigns.models import Campaign
from delivery.models import Recipient
from messaging.models import Sender
from tests.factories import CampaignFactory, ContactFactory, SenderFactory, make_recipients
from tests.messaging.meta_schema import errors as meta_errors
from tests.messaging.payloads import inbound, notification, post, status

FOREIGN = "998877665544332"
VIEWS_LOGGER = "messaging.webhooks.views"


def _snapshot():
    return (
        list(Recipient.objects.order_by("id").values_list("status", flat=True)),
        Event.objects.count(),
        list(Campaign.objects.order_by("id").values_list("total_delivered", "total_opened")),
        list(Contact.objects.order_by("id").values_list("subscribed", flat=True)),
    )


def _batched(*bodies) -> dict:
    """One POST carrying the entries of several notifications, as Meta batches them."""
    first, *rest = bodies
    for body in rest:
        first["entry"].extend(body["entry"])
    assert meta_errors("WebhookPayload", first) == []
    return first


def _foreign_body(message_id="wamid.foreign.1"):
    body = notification(statuses=[status(message_id, "delivered")], phone_number_id=FOREIGN)
    assert meta_errors("WebhookPayload", body) == []
    return body


# WhatsApp ------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["app-secret-1", "some-other-apps-secret"])
def test_a_status_for_a_number_not_configured_here_is_dropped_with_200(
    client, whatsapp_campaign, caplog, secret
):
    # given: one of our campaigns, and a status about a number no sender here has
    make_recipients(whatsapp_campaign, 1)
    before = _snapshot()
    # when: Meta posts it (signed by whatever app it belongs to)
    with caplog.at_level(logging.INFO, logger=VIEWS_LOGGER):
        response = post(client, _foreign_body(), secret=secret)
    # then: 200, so Meta stops retrying; nothing changes; a log line says why
    assert response.status_code == 200
    assert response.json()["dropped"] == 1
    assert response.json()["applied"] == 0
    assert _snapshot() == before
    [line] = [r.getMessage() for r in caplog.records if r.name == VIEWS_LOGGER]
    assert FOREIGN in line
    assert "no sender of this installation has it" in line


def test_a_status_for_a_deactivated_senders_number_is_dropped_with_200(
    client, whatsapp_campaign, caplog
):
    # given: a sent message of a sender that was then deactivated
    make_recipients(whatsapp_campaign, 1)
    Sender.objects.filter(pk=whatsapp_campaign.sender_id).update(is_active=False)
    before = _snapshot()
    body = notification(statuses=[status("wamid.test.0", "delivered")])
    # when
    with caplog.at_level(logging.INFO, logger=VIEWS_LOGGER):
        response = post(client, body)
    # then
    assert response.status_code == 200
    assert response.json()["dropped"] == 1
    assert _snapshot() == before
    assert any("its sender is deactivated" in r.getMessage() for r in caplog.records)


def test_a_stop_to_a_foreign_number_unsubscribes_nobody(client, whatsapp_sender):
    contact = ContactFactory(account=whatsapp_sender.account, phone="+16505551234")
    body = notification(messages=[inbound("STOP")], phone_number_id=FOREIGN)
    response = post(client, body)
    assert response.status_code == 200
    assert response.json()["unsubscribed"] == 0
    contact.refresh_from_db()
    assert contact.subscribed


@pytest.mark.parametrize(
    ("secret", "signature"), [("wrong-secret", None), (None, "sha256=" + "0" * 64)]
)
def test_our_number_with_a_bad_signature_is_still_refused(
    client, whatsapp_campaign, secret, signature
):
    make_recipients(whatsapp_campaign, 1)
    before = _snapshot()
    body = notification(statuses=[status("wamid.test.0", "read")])
    assert post(client, body, secret=secret, signature=signature).status_code == 403
    assert _snapshot() == before


def test_a_batch_mixing_our_number_and_a_foreign_one_applies_ours_and_drops_the_other(
    client, whatsapp_campaign, caplog
):
    # given: one POST with an entry for our number and one for a number that is not ours
    [recipient] = make_recipients(whatsapp_campaign, 1)
    body = _batched(
        notification(statuses=[status("wamid.test.0", "delivered")]),
        _foreign_body(),
    )
    # when: signed by our app
    with caplog.at_level(logging.INFO, logger=VIEWS_LOGGER):
        response = post(client, body)
    # then: our status applies, the foreign one is dropped and logged
    assert response.status_code == 200
    assert (response.json()["applied"], response.json()["dropped"]) == (1, 1)
    recipient.refresh_from_db()
    assert recipient.status == Recipient.Status.DELIVERED
    assert any(FOREIGN in r.getMessage() for r in caplog.records)


def test_a_mixed_batch_with_a_bad_signature_changes_nothing(client, whatsapp_campaign):
    make_recipients(whatsapp_campaign, 1)
    before = _snapshot()
    body = _batched(
        notification(statuses=[status("wamid.test.0", "delivered")]),
        _foreign_body(),
    )
    assert post(client, body, secret="wrong-secret").status_code == 403
    assert _snapshot() == before


def test_a_batch_naming_another_of_our_numbers_must_be_signed_for_it_too(
    client, whatsapp_campaign, other_account
):
    # given: another account's sender (its own app secret) with a sent message
    other = SenderFactory(
        account=other_account, channel="whatsapp", phone_number_id="222", app_secret="secret-b"
    )
    theirs = CampaignFactory(account=other_account, sender=other, status="running")
    make_recipients(theirs, 1, prefix="wamid.b")
    make_recipients(whatsapp_campaign, 1)
    before = _snapshot()
    # when: a body about both numbers, signed only with our secret
    body = _batched(
        notification(statuses=[status("wamid.test.0", "delivered")]),
        notification(statuses=[status("wamid.b.0", "read")], phone_number_id="222"),
    )
    response = post(client, body)
    # then: number 222 is ours, and this body is not genuine for it: refused whole
    assert response.status_code == 403
    assert _snapshot() == before


# Twilio --------------------------------------------------------------------------------------

TOKEN = "twilio-auth-token"


@pytest.fixture
def sms_sender(account, settings):
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    return SenderFactory(
        account=account,
        channel=Sender.Channel.SMS,
        phone_number_id="sms-1",
        account_sid="AC" + "1" * 32,
        auth_token=TOKEN,
        from_address="+15005550006",
        rate_limit_per_second=0,
    )


@pytest.fixture
def sms_recipient(account, sms_sender):
    campaign = CampaignFactory(account=account, sender=sms_sender, status="running")
    contact = ContactFactory(account=account, phone="+16505551234")
    return Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=contact,
        status=Recipient.Status.SENT,
        provider_message_id="SM" + "a" * 32,
        sent_at=timezone.now(),
    )


def _callback(sid, account_sid, status="delivered", **extra) -> dict:
    """A status callback's form, with the fields Twilio sends."""
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": account_sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "From": "+15005550006",
        "To": "+16505551234",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def _twilio_post(client, sender_id, params, *, token=TOKEN):
    url = f"http://testserver/webhooks/sms/{sender_id}"
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(f"/webhooks/sms/{sender_id}", params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_twilio_callback_signed_by_twilios_validator_applies(client, sms_sender, sms_recipient):
    params = _callback(sms_recipient.provider_message_id, sms_sender.account_sid)
    response = _twilio_post(client, sms_sender.pk, params)
    assert response.status_code == 204
    sms_recipient.refresh_from_db()
    assert sms_recipient.status == Recipient.Status.DELIVERED


def test_a_callback_for_a_sender_id_not_configured_here_is_dropped_with_200(
    client, sms_sender, sms_recipient, caplog
):
    before = _snapshot()
    params = _callback(sms_recipient.provider_message_id, sms_sender.account_sid)
    with caplog.at_level(logging.INFO, logger=VIEWS_LOGGER):
        response = _twilio_post(client, 987654, params)
    assert response.status_code == 200
    assert _snapshot() == before
    assert any("no sender of this installation" in r.getMessage() for r in caplog.records)


def test_a_callback_for_a_non_sms_sender_is_dropped_with_200(client, account, sms_recipient):
    sandbox = SenderFactory(account=account, channel=Sender.Channel.SANDBOX)
    before = _snapshot()
    response = _twilio_post(client, sandbox.pk, _callback("SMx", "AC" + "1" * 32))
    assert response.status_code == 200
    assert _snapshot() == before


def test_a_callback_for_a_deactivated_sms_sender_is_dropped_with_200(
    client, sms_sender, sms_recipient, caplog
):
    Sender.objects.filter(pk=sms_sender.pk).update(is_active=False)
    before = _snapshot()
    params = _callback(sms_recipient.provider_message_id, sms_sender.account_sid)
    with caplog.at_level(logging.INFO, logger=VIEWS_LOGGER):
        response = _twilio_post(client, sms_sender.pk, params)
    assert response.status_code == 200
    assert _snapshot() == before
    assert any("deactivated" in r.getMessage() for r in caplog.records)


def test_a_callback_of_another_twilio_account_is_dropped_with_200(
    client, sms_sender, sms_recipient, caplog
):
    # given: a callback of another Twilio account (signed with that account's token)
    # that reached this sender's URL
    before = _snapshot()
    params = _callback(sms_recipient.provider_message_id, "AC" + "9" * 32)
    with caplog.at_level(logging.INFO, logger=VIEWS_LOGGER):
        response = _twilio_post(client, sms_sender.pk, params, token="their-token")
    # then: dropped, not refused, and nothing changes
    assert response.status_code == 200
    assert _snapshot() == before
    assert any("AC" + "9" * 32 in r.getMessage() for r in caplog.records)


def test_an_inbound_stop_of_another_twilio_account_unsubscribes_nobody(client, account, sms_sender):
    contact = ContactFactory(account=account, phone="+16505559876")
    params = {
        "MessageSid": "SM" + "b" * 32,
        "AccountSid": "AC" + "9" * 32,
        "From": "+16505559876",
        "To": "+15005550006",
        "Body": "STOP",
    }
    assert _twilio_post(client, sms_sender.pk, params, token="their-token").status_code == 200
    contact.refresh_from_db()
    assert contact.subscribed


def test_our_twilio_account_with_a_bad_signature_is_still_refused(
    client, sms_sender, sms_recipient
):
    before = _snapshot()
    params = _callback(sms_recipient.provider_message_id, sms_sender.account_sid)
    assert _twilio_post(client, sms_sender.pk, params, token="wrong").status_code == 403
    assert _snapshot() == before
