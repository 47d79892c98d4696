"""An SMS sender's Messaging Service SID and price per segment, through the API and the page."""

import json
from decimal import Decimal

import pytest

from accounts.models import Role
from messaging.models import Sender

pytestmark = pytest.mark.django_db

SERVICE = "MG9752274e9e519418a7406176694466fa"


def _sms(**extra):
    body = {"channel": "sms", "name": "Texts", "accountSid": "AC123", "authToken": "tok"}
    body.update(extra)
    return body


def _post(api, body):
    return api.post("/api/senders", json.dumps(body), content_type="application/json")


def _put(api, sender_id, body):
    return api.put(f"/api/senders/{sender_id}", json.dumps(body), content_type="application/json")


def _fields(response) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}


def test_a_messaging_service_replaces_the_from_number(api, account):
    response = _post(api, _sms(messagingServiceSid=SERVICE, smsSegmentPrice="0.0079"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["messagingServiceSid"] == SERVICE
    assert Decimal(str(data["smsSegmentPrice"])) == Decimal("0.0079")
    sender = Sender.objects.get(pk=data["id"])
    assert (sender.messaging_service_sid, sender.from_address) == (SERVICE, "")
    assert sender.sms_segment_price == Decimal("0.0079")


def test_an_sms_sender_needs_a_from_number_or_a_service(api, account):
    response = _post(api, _sms())
    assert response.status_code == 422
    assert _fields(response) == {"fromAddress"}
    assert _post(api, _sms(fromAddress="+15005550006")).status_code == 201
    assert not Sender.objects.filter(from_address="").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"messagingServiceSid": "MG123"}, "messagingServiceSid"),
        ({"messagingServiceSid": "PN9752274e9e519418a7406176694466fa"}, "messagingServiceSid"),
        ({"smsSegmentPrice": -1}, "smsSegmentPrice"),
        ({"smsSegmentPrice": "0.000001"}, "smsSegmentPrice"),
        ({"smsSegmentPrice": 1000}, "smsSegmentPrice"),
    ],
)
def test_bad_values_are_422_with_their_path(api, account, extra, field):
    response = _post(api, _sms(fromAddress="+15005550006", **extra))
    assert response.status_code == 422
    assert any(f.endswith(field) for f in _fields(response)), response.json()
    assert not Sender.objects.exists()


def test_a_price_is_removed_with_null_and_kept_when_absent(api, account):
    created = _post(api, _sms(fromAddress="+15005550006", smsSegmentPrice=0.04)).json()
    kept = _put(api, created["id"], {"name": "Renamed"})
    assert kept.status_code == 200, kept.json()
    assert Decimal(str(kept.json()["smsSegmentPrice"])) == Decimal("0.04")
    removed = _put(api, created["id"], {"name": "Renamed", "smsSegmentPrice": None})
    assert removed.json()["smsSegmentPrice"] is None
    assert Sender.objects.get(pk=created["id"]).sms_segment_price is None


def test_the_page_saves_both_fields(client, account, make_member):
    client.force_login(make_member(account, Role.MANAGER))
    form = {
        "channel": "sms",
        "name": "Texts",
        "account_sid": "AC123",
        "auth_token": "tok",
        "messaging_service_sid": SERVICE,
        "sms_segment_price": "0.0083",
        "rate_limit_per_second": "10",
        "is_active": "on",
    }
    page = client.get("/dashboard/messaging/senders/new/")
    assert b"Messaging Service SID" in page.content
    assert b"Price per SMS segment (USD)" in page.content
    response = client.post("/dashboard/messaging/senders/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    sender = Sender.objects.get(name="Texts")
    assert (sender.messaging_service_sid, sender.sms_segment_price) == (SERVICE, Decimal("0.0083"))
    wrong = client.post(
        "/dashboard/messaging/senders/new/",
        {**form, "name": "Other", "messaging_service_sid": "MGnope"},
    )
    assert wrong.status_code == 200
    assert "MG followed by 32 hex digits" in wrong.content.decode()
