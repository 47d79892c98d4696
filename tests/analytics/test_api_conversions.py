"""``POST /api/conversions``: validation, idempotency on orderId, tenancy, and what one
conversion writes (the row, the event, the recipient, the campaign's counters, the rollups)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from accounts.services import api_key_create
from analytics.models import Conversion, Event
from analytics.rollups import Dim, Kind, rollup_by, rollup_totals, rollup_values
from campaigns.models import Campaign
from delivery.models import Recipient
from tests.factories import CampaignFactory, ContactFactory, VariantFactory

pytestmark = pytest.mark.django_db

URL = "/api/conversions"


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


@pytest.fixture
def contact(account):
    return ContactFactory(account=account, phone="+33612345678", email="ada@example.com")


@pytest.fixture
def recipient(account, contact):
    """The contact clicked a link of a running campaign an hour ago."""
    campaign = CampaignFactory(account=account, status="running")
    variant = VariantFactory(campaign=campaign, key="A")
    now = timezone.now()
    return Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=contact,
        variant=variant,
        status=Recipient.Status.READ,
        delivered_at=now - dt.timedelta(hours=2),
        clicked_at=now - dt.timedelta(hours=1),
    )


def test_a_purchase_is_attributed_to_the_clicked_campaign_and_counted_once(api, contact, recipient):
    body = {"contactId": contact.pk, "value": "49.90", "orderId": "ORD-1001"}

    first = post(api, body)
    again = post(api, {**body, "value": "1000.00"})

    assert first.status_code == 201, first.content
    answer = first.json()
    assert answer["campaignId"] == recipient.campaign_id
    assert answer["variant"] == "A"
    assert answer["attribution"] == "click"
    assert answer["event"] == "purchase"
    assert Decimal(answer["value"]) == Decimal("49.90")
    assert answer["currency"] == "EUR"
    assert again.status_code == 200
    assert again.json()["id"] == answer["id"]
    assert Decimal(again.json()["value"]) == Decimal("49.90")  # the stored one, unchanged

    campaign = Campaign.objects.get(pk=recipient.campaign_id)
    assert campaign.total_converted == 1
    assert campaign.estimated_revenue == Decimal("49.90")
    recipient.refresh_from_db()
    assert recipient.converted_at is not None
    event = Event.objects.get(type=Event.Type.CONVERTED)
    assert event.revenue == Decimal("49.90")
    assert event.data["unique"] is True
    assert event.data["conversion_id"] == answer["id"]
    assert rollup_totals(campaign)[Kind.CONVERTED] == 1
    assert rollup_values(campaign)[Kind.CONVERTED] == Decimal("49.90")
    assert Conversion.objects.count() == 1


def test_a_second_conversion_of_the_recipient_adds_revenue_but_not_a_converter(
    api, contact, recipient
):
    post(api, {"phone": "+33 6 12 34 56 78", "value": 10, "orderId": "o-1"})
    second = post(api, {"email": "ADA@example.com", "value": "5.5", "event": "upsell"})

    assert second.status_code == 201, second.content
    campaign = Campaign.objects.get(pk=recipient.campaign_id)
    assert campaign.total_converted == 1
    assert campaign.estimated_revenue == Decimal("15.50")
    by_event = rollup_by(campaign, Dim.EVENT)
    assert by_event["purchase"][Kind.CONVERTED] == 1
    assert by_event["upsell"][Kind.CONVERTED] == 1
    assert rollup_totals(campaign)[Kind.CONVERTED_UNIQUE] == 1


def test_a_phone_is_read_like_audience_reads_it(api, account, contact):
    account.default_phone_region = "FR"
    account.save()
    response = post(api, {"phone": "06 12 34 56 78", "event": "signup"})
    assert response.status_code == 201, response.content
    assert response.json()["contactId"] == contact.pk


def test_without_any_touch_the_conversion_is_stored_for_the_account_only(api, contact):
    response = post(api, {"contactId": contact.pk, "event": "form_submitted"})

    assert response.status_code == 201
    answer = response.json()
    assert (answer["campaignId"], answer["attribution"], answer["value"]) == (None, None, None)
    event = Event.objects.get(type=Event.Type.CONVERTED)
    assert event.campaign_id is None
    assert event.data["unique"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "contactId"),
        ({"contactId": 1, "email": "ada@example.com"}, "contactId"),
        ({"phone": "not a phone"}, "phone"),
        ({"contactId": 1, "event": "Bad Name"}, "event"),
        ({"contactId": 1, "event": "x" * 65}, "event"),
        ({"contactId": 1, "value": -1}, "value"),
        ({"contactId": 1, "value": "12.345"}, "value"),
        ({"contactId": 1, "value": "lots"}, "value"),
        ({"contactId": 1, "currency": "euros"}, "currency"),
        ({"contactId": 1, "occurredAt": "yesterday"}, "occurredAt"),
        ({"contactId": 1, "orderId": "o" * 129}, "orderId"),
        ({"contactId": 1, "properties": ["not", "an", "object"]}, "properties"),
        ({"contactId": 0}, "contactId"),
    ],
)
def test_bad_input_is_a_422_with_its_field_and_records_nothing(api, body, field):
    response = post(api, body)

    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["code"] in {"validation_error", "invalid_phone"}
    assert field in {e["field"] for e in answer["errors"]}
    assert not Conversion.objects.exists()


def test_another_currency_is_refused_with_a_clear_message(api, contact):
    response = post(api, {"contactId": contact.pk, "value": "10", "currency": "usd"})

    assert response.status_code == 422
    answer = response.json()
    assert answer["code"] == "currency_mismatch"
    assert "EUR" in answer["detail"]
    assert "USD" in answer["detail"]
    assert answer["errors"][0]["field"] == "currency"
    assert not Conversion.objects.exists()


def test_a_time_in_the_future_is_refused_but_clock_drift_is_not(api, contact):
    now = timezone.now()
    far = post(
        api, {"contactId": contact.pk, "occurredAt": (now + dt.timedelta(minutes=6)).isoformat()}
    )
    near = post(
        api, {"contactId": contact.pk, "occurredAt": (now + dt.timedelta(minutes=4)).isoformat()}
    )

    assert far.status_code == 422
    assert far.json()["code"] == "occurred_in_future"
    assert near.status_code == 201


def test_a_time_without_offset_is_utc(api, contact):
    response = post(api, {"contactId": contact.pk, "occurredAt": "2026-01-05T10:00:00"})
    assert response.status_code == 201
    stored = Conversion.objects.get()
    assert stored.occurred_at == dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


def test_an_unknown_contact_is_a_404_with_its_code(api):
    for body in ({"contactId": 999999}, {"phone": "+14155550100"}, {"email": "no@example.com"}):
        response = post(api, body)
        assert response.status_code == 404, body
        assert response.json()["code"] == "contact_not_found"
    assert not Conversion.objects.exists()


def test_a_shared_email_must_be_named_another_way(api, account, contact):
    ContactFactory(account=account, phone="+33698765432", email="ada@example.com")
    response = post(api, {"email": "ada@example.com"})
    assert response.status_code == 422
    assert response.json()["code"] == "contact_ambiguous"


def test_another_accounts_contact_is_not_found(other_api_key, contact):
    rival = Client(HTTP_AUTHORIZATION=f"Bearer {other_api_key}")
    for body in ({"contactId": contact.pk}, {"phone": contact.phone}, {"email": contact.email}):
        response = post(rival, body)
        assert response.status_code == 404, body
    assert not Conversion.objects.exists()


def test_order_ids_are_per_account(api, other_api_key, other_account, contact):
    rival_contact = ContactFactory(account=other_account, phone="+33611111111")
    rival = Client(HTTP_AUTHORIZATION=f"Bearer {other_api_key}")
    mine = post(api, {"contactId": contact.pk, "orderId": "SAME"})
    theirs = post(rival, {"contactId": rival_contact.pk, "orderId": "SAME", "currency": "EUR"})
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_viewer_key_cannot_record(client, account, contact):
    _, raw = api_key_create(account=account, name="read only", role=Role.VIEWER)
    response = post(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), {"contactId": contact.pk})
    assert response.status_code == 403
    assert not Conversion.objects.exists()


def test_without_a_key_it_is_a_401(client, contact):
    assert post(client, {"contactId": contact.pk}).status_code == 401
