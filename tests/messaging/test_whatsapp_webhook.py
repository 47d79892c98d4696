"""/webhooks/whatsapp: subscription check, signed statuses, inbound STOP, bad input."""

import json

import pytest

from analytics.models import Event
from audience.models import Contact
from campaigns.models import Campaign
from delivery.models import CampaignError, Recipient
from messaging.models import Sender
from tests.factories import CampaignFactory, ContactFactory, SenderFactory, make_recipients
from tests.messaging import payloads
from tests.messaging.payloads import inbound, notification, post, status, undeliverable


def _snapshot():
    return (
        list(Recipient.objects.order_by("id").values_list("status", flat=True)),
        Event.objects.count(),
        list(Campaign.objects.values_list("total_delivered", "total_opened", "total_failed")),
        list(Contact.objects.values_list("subscribed", flat=True)),
    )


def test_subscription_check_echoes_the_challenge(client, whatsapp_sender):
    response = client.get(
        "/webhooks/whatsapp",
        {"hub.mode": "subscribe", "hub.verify_token": "verify-1", "hub.challenge": "1158201444"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "verify-1", "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
def test_subscription_check_with_wrong_token_is_403(client, whatsapp_sender, params):
    response = client.get("/webhooks/whatsapp", params)
    assert response.status_code == 403
    assert b"1" != response.content


def test_inactive_senders_token_is_refused(client, whatsapp_sender):
    Sender.objects.filter(pk=whatsapp_sender.pk).update(is_active=False)
    params = {"hub.mode": "subscribe", "hub.verify_token": "verify-1", "hub.challenge": "7"}
    assert client.get("/webhooks/whatsapp", params).status_code == 403


def test_signed_statuses_apply_in_any_order(client, whatsapp_campaign):
    # given: three sent messages
    a, b, c = make_recipients(whatsapp_campaign, 3)
    body = notification(
        statuses=[
            status("wamid.test.0", "read", 1750263790),  # delivered skipped
            status("wamid.test.1", "delivered", 1750263780, callback=f"recipient:{b.pk}"),
            status("wamid.test.2", "failed", 1750263801, errors=undeliverable()),
            status("wamid.test.1", "sent", 1750263770),  # late, stale
        ]
    )
    # when
    response = post(client, body)
    # then
    assert response.status_code == 200
    assert response.json()["applied"] == 3
    for r in (a, b, c):
        r.refresh_from_db()
    assert (a.status, b.status, c.status) == ("read", "delivered", "failed")
    assert a.delivered_at == a.read_at
    assert c.error_code == "131026"
    assert c.error_message == "Unable to deliver the message."
    campaign = Campaign.objects.get(pk=whatsapp_campaign.pk)
    assert (campaign.total_delivered, campaign.total_opened, campaign.total_failed) == (2, 1, 1)
    assert CampaignError.objects.get(campaign=campaign).count == 1


def test_repeated_post_counts_once(client, whatsapp_campaign):
    make_recipients(whatsapp_campaign, 1)
    body = notification(statuses=[status("wamid.test.0", "delivered")])
    assert post(client, body).status_code == 200
    assert post(client, body).json()["ignored"] == 1
    campaign = Campaign.objects.get(pk=whatsapp_campaign.pk)
    assert campaign.total_delivered == 1
    assert Event.objects.filter(type="delivered").count() == 1


def test_several_entries_in_one_post(client, whatsapp_campaign):
    make_recipients(whatsapp_campaign, 2)
    first = notification(statuses=[status("wamid.test.0", "delivered")])
    second = notification(statuses=[status("wamid.test.1", "read")])
    first["entry"].extend(second["entry"])
    assert post(client, first).json()["applied"] == 2


@pytest.mark.parametrize(
    ("secret", "signature", "code"),
    [
        (None, "", 401),  # no header
        (None, "sha256=" + "0" * 64, 403),
        ("another-secret", None, 403),
        (None, "not-a-signature", 403),
    ],
)
def test_wrong_or_missing_signature_changes_nothing(
    client, whatsapp_campaign, secret, signature, code
):
    # given
    make_recipients(whatsapp_campaign, 1)
    ContactFactory(account=whatsapp_campaign.account, phone="+16505559999")
    before = _snapshot()
    body = notification(
        statuses=[status("wamid.test.0", "read")], messages=[inbound("STOP", "16505559999")]
    )
    # when
    response = post(client, body, secret=secret, signature=signature)
    # then
    assert response.status_code == code
    assert _snapshot() == before


def test_a_senders_secret_cannot_touch_another_senders_phone_number(client, account, provider):
    # given: two senders of two accounts, each with its own app secret
    SenderFactory(account=account, channel="whatsapp", phone_number_id="111", app_secret="secret-a")
    other = SenderFactory(channel="whatsapp", phone_number_id="222", app_secret="secret-b")
    campaign = CampaignFactory(account=other.account, sender=other, status="running")
    make_recipients(campaign, 1)
    before = _snapshot()
    # when: a body about sender B's number, signed with A's secret
    body = notification(statuses=[status("wamid.test.0", "read")], phone_number_id="222")
    response = post(client, body, secret="secret-a")
    # then
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("word", ["STOP", "  stop ", "Unsubscribe", "ARRET", "baja", "StopAll"])
def test_inbound_stop_unsubscribes_the_contact_of_that_account(
    client, whatsapp_sender, other_account, word
):
    # given
    mine = ContactFactory(account=whatsapp_sender.account, phone="+16505551234")
    theirs = ContactFactory(account=other_account, phone="+16505551234")
    # when
    response = post(client, notification(messages=[inbound(word)]))
    # then
    assert response.status_code == 200
    assert response.json()["unsubscribed"] == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert not mine.subscribed
    assert mine.unsubscribed_at is not None
    assert theirs.subscribed
    assert Event.objects.get(type=Event.Type.UNSUBSCRIBED).contact_id == mine.pk


def test_stop_button_reply_unsubscribes(client, whatsapp_sender):
    contact = ContactFactory(account=whatsapp_sender.account, phone="+16505551234")
    post(client, notification(messages=[inbound("Stop", kind="button")]))
    contact.refresh_from_db()
    assert not contact.subscribed


def test_other_inbound_text_keeps_the_subscription(client, whatsapp_sender):
    contact = ContactFactory(account=whatsapp_sender.account, phone="+16505551234")
    post(client, notification(messages=[inbound("please stop by the shop")]))
    contact.refresh_from_db()
    assert contact.subscribed
    assert not Event.objects.exists()


def test_malformed_json_with_valid_signature_is_400(client, whatsapp_sender):
    response = post(client, None, raw=b'{"entry": [ not json')
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_malformed_json_with_wrong_signature_is_403(client, whatsapp_sender):
    response = post(client, None, raw=b"{oops", secret="nope")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"entry": "not-a-list"},
        {"entry": [{"changes": [{"value": {"statuses": [{"id": "x"}]}}]}]},  # no metadata
        {
            "entry": [
                {"changes": [{"value": {"metadata": {"phone_number_id": "1"}, "statuses": "x"}}]}
            ]
        },
        [1, 2, 3],
    ],
)
def test_wrong_shape_with_valid_signature_is_400(client, whatsapp_sender, body):
    response = post(client, None, raw=json.dumps(body).encode())
    assert response.status_code == 400
    assert response.json()["detail"]


def test_status_without_known_message_is_counted_unknown(client, whatsapp_campaign):
    body = notification(statuses=[status("wamid.nobody", "delivered")])
    response = post(client, body)
    assert response.status_code == 200
    assert response.json()["unknown"] == 1


def test_shared_fixture_shape_is_understood(client, whatsapp_campaign):
    # given: the provider's documented delivered status, with our callback data
    [r] = make_recipients(whatsapp_campaign, 1, status=Recipient.Status.UNCERTAIN)
    item = status(
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBRkQzRjlBODgxNzEwOTc1RjIA",
        "delivered",
        callback=f"recipient:{r.pk}",
    )
    # when
    response = post(client, notification(statuses=[item]))
    # then
    assert response.status_code == 200
    r.refresh_from_db()
    assert r.status == "delivered"
    assert r.provider_message_id == item["id"]
    assert payloads.PHONE_NUMBER_ID == whatsapp_campaign.sender.phone_number_id


def test_put_and_patch_are_not_allowed(client, whatsapp_sender):
    assert client.put("/webhooks/whatsapp").status_code == 405
