"""Kept reports (``analytics.report_cache``): a second read costs no rollup query, and every
change to what a report reads is seen by the next read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.models import MessagePrice
from analytics.money import campaign_money
from campaigns.models import Campaign
from core.events import EventType, events_record
from delivery.models import Recipient
from tests.analytics.sample import DAY2, _event, campaign_with_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(account):
    return campaign_with_activity(account)


def _report(api, campaign, **params):
    response = api.get(f"/api/campaigns/{campaign.pk}/analytics", params)
    assert response.status_code == 200, response.content
    return response


def _stats(api, campaign):
    response = api.get(f"/api/campaigns/{campaign.pk}/stats")
    assert response.status_code == 200, response.content
    return response.json()


def _rollup_reads(queries) -> int:
    return sum("analytics_rollup" in q["sql"] for q in queries)


def test_a_second_read_is_the_same_answer_without_reading_the_rollups(api, campaign):
    # given
    first = _report(api, campaign)

    # when
    with CaptureQueriesContext(connection) as queries:
        second = _report(api, campaign)

    # then
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json; charset=utf-8"
    assert _rollup_reads(queries.captured_queries) == 0


def test_new_events_are_in_the_next_read(api, campaign):
    # given
    before = _report(api, campaign).json()
    paris = Recipient.objects.filter(campaign=campaign).order_by("pk").first()
    stamp = Campaign.objects.get(pk=campaign.pk).analytics_stamp

    # when: one more purchase
    events_record(
        [
            _event(
                paris,
                EventType.CONVERTED,
                DAY2 + dt.timedelta(hours=3),
                revenue=Decimal("10.00"),
                data={"event": "purchase", "unique": False, "attribution": "click"},
            )
        ]
    )
    after = _report(api, campaign).json()

    # then
    assert Campaign.objects.get(pk=campaign.pk).analytics_stamp != stamp
    assert before["revenue"] == 65.5
    assert after["revenue"] == 75.5
    purchases = {r["event"]: r for r in after["conversions"]}["purchase"]
    assert purchases == {"event": "purchase", "count": 3, "unique": 2, "value": 75.5}


def test_a_price_edited_anywhere_is_in_the_next_read(api, campaign):
    # given: the report and the stats read and kept
    before = _report(api, campaign).json()
    stats_before = _stats(api, campaign)

    # when: France's marketing price set by hand (as the admin or a script would)
    MessagePrice.objects.update_or_create(
        account=campaign.account,
        channel="whatsapp",
        category="marketing",
        country="FR",
        defaults={"price": Decimal("1.00000")},
    )

    # then
    after = _report(api, campaign).json()
    stats_after = _stats(api, campaign)
    fresh = float(campaign_money(Campaign.objects.get(pk=campaign.pk)).cost)
    assert before["cost"] == stats_before["cost"] == 0.1576
    assert after["cost"] == stats_after["cost"] == fresh
    assert fresh != 0.1576


def test_the_account_currency_is_in_the_next_read(api, campaign):
    # given
    assert _report(api, campaign).json()["currency"] == campaign.account.currency

    # when
    campaign.account.currency = "JPY"
    campaign.account.save()

    # then
    assert _report(api, campaign).json()["currency"] == "JPY"
    assert _stats(api, campaign)["currency"] == "JPY"


def test_each_filter_is_kept_apart(api, campaign):
    # when
    whole = _report(api, campaign).json()
    day_two = _report(api, campaign, since="2026-03-03").json()
    variant_b = _report(api, campaign, variant="B").json()

    # then
    funnel = {s["stage"]: s["count"] for s in whole["funnel"]}
    assert funnel["sent"] == 3
    assert {s["stage"]: s["count"] for s in day_two["funnel"]}["sent"] == 1
    assert {s["stage"]: s["count"] for s in variant_b["funnel"]}["sent"] == 1
    assert _report(api, campaign).json() == whole


def test_the_analytics_page_shows_new_events(logged_in_client, campaign):
    # given
    url = f"/dashboard/campaigns/{campaign.pk}/analytics/"
    assert logged_in_client.get(url).status_code == 200
    tokyo = Recipient.objects.filter(campaign=campaign).order_by("pk").last()

    # when: Tokyo buys too
    events_record(
        [
            _event(
                tokyo,
                EventType.CONVERTED,
                DAY2 + dt.timedelta(hours=2),
                revenue=Decimal("12.34"),
                data={"event": "purchase", "unique": True, "attribution": "click"},
            )
        ]
    )

    # then
    page = logged_in_client.get(url)
    assert page.status_code == 200
    assert 'data-money="revenue">77.84' in page.content.decode()  # 40.00 + 25.50 + 12.34
