"""The rollups kept by the event log's writer: every event counted by day, hour, the
recipient's local hour, country, variant, link, device and event name, in the same
transaction, and equal to a count of the events themselves."""

import datetime as dt
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from analytics.models import Event, Rollup
from analytics.rollups import (
    Dim,
    Kind,
    rollup_by,
    rollup_by_variant,
    rollup_series,
    rollup_totals,
    rollup_values,
)
from core.events import EventType, NewEvent, events_record
from delivery.models import Recipient
from delivery.status import status_apply
from messaging.statuses import StatusUpdate
from tests.factories import CampaignFactory, ContactFactory, VariantFactory

pytestmark = pytest.mark.django_db

# Monday 2026-03-02, 23:30 UTC: already Tuesday 08:30 in Tokyo, still Monday 18:30 in New York.
AT = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)


@pytest.fixture
def campaign(account):
    return CampaignFactory(account=account)


def _recipient(campaign, i, *, country, zone, variant=None):
    contact = ContactFactory(
        account=campaign.account, phone=f"+1650555{i:04d}", country=country, timezone=zone
    )
    return Recipient.objects.create(
        account=campaign.account,
        campaign=campaign,
        contact=contact,
        variant=variant,
        status=Recipient.Status.SENT,
        provider_message_id=f"wamid.r.{i}",
    )


def _event(recipient, type, at=AT, **kw):
    return NewEvent(
        account_id=recipient.account_id,
        campaign_id=recipient.campaign_id,
        recipient_id=recipient.pk,
        contact_id=recipient.contact_id,
        type=type,
        occurred_at=at,
        **kw,
    )


def test_each_event_is_counted_on_every_dimension_in_local_time(campaign):
    # given a recipient in Tokyo (variant B) and one in New York (no variant)
    b = VariantFactory(campaign=campaign, key="B")
    tokyo = _recipient(campaign, 1, country="JP", zone="Asia/Tokyo", variant=b)
    new_york = _recipient(campaign, 2, country="US", zone="America/New_York")

    # when both are delivered, and Tokyo's is read an hour later
    events_record(
        [
            _event(tokyo, EventType.DELIVERED),
            _event(new_york, EventType.DELIVERED),
            _event(tokyo, EventType.READ, AT + dt.timedelta(hours=1)),
        ]
    )

    # then the totals, the UTC hours (across midnight), the local hours and countries add up
    assert rollup_totals(campaign)[Kind.DELIVERED] == 2
    assert rollup_totals(campaign)[Kind.READ] == 1
    assert rollup_totals(campaign, variant="B")[Kind.DELIVERED] == 1
    assert [(r["day"], r["hour"], r["counts"]) for r in rollup_series(campaign)] == [
        (dt.date(2026, 3, 2), 23, {"delivered": 2}),
        (dt.date(2026, 3, 3), 0, {"read": 1}),
    ]
    local = rollup_by(campaign, Dim.LOCAL)
    assert local == {"2-08": {"delivered": 1}, "2-09": {"read": 1}, "1-18": {"delivered": 1}}
    assert rollup_by(campaign, Dim.COUNTRY) == {
        "JP": {"delivered": 1, "read": 1},
        "US": {"delivered": 1},
    }
    assert rollup_by_variant(campaign) == {"B": {"delivered": 1, "read": 1}, "": {"delivered": 1}}
    # and a day filter keeps only that UTC day
    assert rollup_totals(campaign, since=dt.date(2026, 3, 3))[Kind.DELIVERED] == 0


def test_clicks_count_humans_uniques_links_and_devices_and_set_bots_apart(campaign):
    # given a recipient who clicks one link twice and another once, and a preview bot
    r = _recipient(campaign, 1, country="FR", zone="Europe/Paris")
    human = {"device": "mobile", "os": "iOS", "browser": "Mobile Safari", "bot": False}

    # when the clicks are recorded
    events_record(
        [
            _event(
                r,
                EventType.CLICKED,
                data={**human, "link_id": 7, "unique": True, "link_unique": True},
            ),
            _event(r, EventType.CLICKED, data={**human, "link_id": 7}),
            _event(r, EventType.CLICKED, data={**human, "link_id": 8, "link_unique": True}),
            _event(r, EventType.CLICKED, data={"link_id": 7, "bot": True, "bot_reason": "preview"}),
        ]
    )

    # then
    totals = rollup_totals(campaign)
    assert (totals[Kind.CLICKED], totals[Kind.CLICKED_UNIQUE], totals[Kind.BOT_CLICKED]) == (
        3,
        1,
        1,
    )
    assert rollup_by(campaign, Dim.LINK) == {
        "7": {"clicked": 2, "clicked_unique": 1},
        "8": {"clicked": 1, "clicked_unique": 1},
    }
    assert rollup_by(campaign, Dim.DEVICE) == {"mobile": {"clicked": 3}}
    assert rollup_by(campaign, Dim.BROWSER) == {"Mobile Safari": {"clicked": 3}}


def test_conversions_sum_their_revenue_by_event_name(campaign):
    # given
    r = _recipient(campaign, 1, country="DE", zone="Europe/Berlin")

    # when two purchases and a sign-up are recorded
    events_record(
        [
            _event(
                r,
                EventType.CONVERTED,
                revenue=Decimal("19.99"),
                data={"event": "purchase", "unique": True},
            ),
            _event(r, EventType.CONVERTED, revenue=Decimal("5.01"), data={"event": "purchase"}),
            _event(r, EventType.CONVERTED, data={"event": "signup"}),
        ]
    )

    # then
    assert rollup_totals(campaign)[Kind.CONVERTED] == 3
    assert rollup_totals(campaign)[Kind.CONVERTED_UNIQUE] == 1
    assert rollup_values(campaign)[Kind.CONVERTED] == Decimal("25.00")
    by_event = rollup_by(campaign, Dim.EVENT, with_values=True)
    assert by_event["purchase"]["converted"] == 2
    assert by_event["purchase"]["converted_value"] == Decimal("25.00")
    assert by_event["signup"]["converted"] == 1


def test_a_failure_after_delivery_takes_the_delivered_count_back(campaign):
    # given a delivered message
    _recipient(campaign, 1, country="BR", zone="America/Sao_Paulo")
    ts = int(AT.timestamp())
    status_apply(
        updates=[StatusUpdate(provider_message_id="wamid.r.1", status="delivered", timestamp=ts)]
    )

    # when the provider then reports it failed
    status_apply(
        updates=[
            StatusUpdate(
                provider_message_id="wamid.r.1",
                status="failed",
                timestamp=ts + 5,
                error_code="131026",
            )
        ]
    )

    # then the rollups agree with the campaign's counters
    campaign.refresh_from_db()
    totals = rollup_totals(campaign)
    assert (totals[Kind.DELIVERED], totals[Kind.FAILED]) == (
        campaign.total_delivered,
        campaign.total_failed,
    )
    assert (totals[Kind.DELIVERED], totals[Kind.FAILED]) == (0, 1)


def test_rollups_equal_a_count_of_the_events(campaign):
    # given many statuses of many recipients, in one batch
    recipients = [_recipient(campaign, i, country="GB", zone="Europe/London") for i in range(30)]
    ts = int(AT.timestamp())
    updates = [
        StatusUpdate(provider_message_id=f"wamid.r.{i}", status=s, timestamp=ts + i * 600)
        for i in range(30)
        for s in (("delivered", "read") if i % 3 else ("delivered",))
    ]

    # when
    status_apply(updates=updates)

    # then every hour cell is the count of that hour's events
    by_hour = Counter(
        (e.occurred_at.date(), e.occurred_at.hour, e.type)
        for e in Event.objects.filter(campaign=campaign)
    )
    cells = {
        (r.day, int(r.key), r.kind): r.count
        for r in Rollup.objects.filter(campaign=campaign, dimension=Dim.HOUR)
    }
    assert cells == dict(by_hour)
    assert len(recipients) == 30


def test_a_rebuild_from_the_events_gives_the_same_rollups(campaign):
    # given rollups kept while statuses and clicks arrived
    r = _recipient(campaign, 1, country="IN", zone="Asia/Kolkata")
    ts = int(AT.timestamp())
    status_apply(
        updates=[StatusUpdate(provider_message_id="wamid.r.1", status="read", timestamp=ts)]
    )
    events_record(
        [_event(r, EventType.CLICKED, data={"link_id": 3, "unique": True, "link_unique": True})]
    )
    kept = set(
        Rollup.objects.values_list("dimension", "day", "variant_key", "key", "kind", "count")
    )

    # when they are counted again from the log
    call_command("rollups_rebuild", str(campaign.pk), stdout=StringIO())

    # then
    again = set(
        Rollup.objects.values_list("dimension", "day", "variant_key", "key", "kind", "count")
    )
    assert again == kept
    assert ("total", AT.date(), "", "", "delivered", 1) in again
