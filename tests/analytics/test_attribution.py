"""Attribution: the last human click within the click window, else the last delivery within
the delivery window, else nothing; at the edges of both windows, with bots among the clicks."""

import datetime as dt

import pytest
import time_machine

from analytics.attribution import Touch, attribution_find, attribution_pick
from analytics.conversions import ConversionIn, conversion_record
from core.events import EventType, NewEvent, events_record
from delivery.models import Recipient
from tests.factories import CampaignFactory, ContactFactory, VariantFactory

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


def _touch(at, recipient_id=1, campaign_id=10):
    return Touch(at, campaign_id, recipient_id)


def _pick(clicks=(), deliveries=(), at=NOW):
    return attribution_pick(
        occurred_at=at,
        clicks=clicks,
        deliveries=deliveries,
        click_window=5 * DAY,
        delivery_window=1 * DAY,
    )


# --- the rule, as a pure function -----------------------------------------------------------


def test_a_click_exactly_n_days_before_counts():
    found = _pick(clicks=[_touch(NOW - 5 * DAY)])
    assert found is not None
    assert (found.kind, found.touch.at) == ("click", NOW - 5 * DAY)


def test_a_click_a_second_older_than_the_window_does_not_count():
    assert _pick(clicks=[_touch(NOW - 5 * DAY - SECOND)]) is None


def test_a_click_after_the_conversion_is_not_used():
    assert _pick(clicks=[_touch(NOW + SECOND)]) is None


def test_the_last_click_wins_over_earlier_ones_and_over_any_delivery():
    found = _pick(
        clicks=[_touch(NOW - 3 * DAY, recipient_id=1), _touch(NOW - DAY, recipient_id=2)],
        deliveries=[_touch(NOW - SECOND, recipient_id=3)],
    )
    assert found is not None
    assert (found.kind, found.touch.recipient_id) == ("click", 2)


def test_without_a_click_the_last_delivery_within_m_days_counts_edge_included():
    found = _pick(deliveries=[_touch(NOW - DAY, recipient_id=4), _touch(NOW - 2 * DAY, 5)])
    assert found is not None
    assert (found.kind, found.touch.recipient_id) == ("delivery", 4)
    assert _pick(deliveries=[_touch(NOW - DAY - SECOND)]) is None


def test_a_delivery_window_of_zero_days_attributes_by_clicks_only():
    found = attribution_pick(
        occurred_at=NOW,
        clicks=[],
        deliveries=[_touch(NOW)],
        click_window=5 * DAY,
        delivery_window=dt.timedelta(0),
    )
    assert found is None


# --- the queries: real rows, the account's windows -------------------------------------------


@pytest.fixture
def contact(account):
    return ContactFactory(account=account)


def _recipient(account, contact, **times):
    campaign = CampaignFactory(account=account, status="running")
    variant = VariantFactory(campaign=campaign, key="B")
    return Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=contact,
        variant=variant,
        status=Recipient.Status.DELIVERED,
        **times,
    )


def _click(recipient, at, *, bot=False):
    events_record(
        [
            NewEvent(
                account_id=recipient.account_id,
                campaign_id=recipient.campaign_id,
                recipient_id=recipient.pk,
                contact_id=recipient.contact_id,
                type=EventType.CLICKED,
                occurred_at=at,
                data={
                    "link_id": 1,
                    "url": "https://shop.example/sale",
                    "device": "mobile",
                    "os": "Android",
                    "browser": "Chrome Mobile",
                    "country": "FR",
                    "bot": bot,
                    "bot_reason": "preview agent" if bot else "",
                    "unique": not bot,
                    "link_unique": not bot,
                },
            )
        ]
    )


@pytest.mark.django_db
def test_the_last_human_click_event_is_found_with_its_variant_and_bots_are_ignored(
    account, contact
):
    clicked = _recipient(account, contact, delivered_at=NOW - 4 * DAY)
    previewed = _recipient(account, contact, delivered_at=NOW - 2 * DAY)
    _click(clicked, NOW - 3 * DAY)
    _click(previewed, NOW - DAY, bot=True)  # later, but a link-preview fetcher

    found = attribution_find(account=account, contact_id=contact.pk, occurred_at=NOW)

    assert found is not None
    assert found.kind == "click"
    assert found.touch.recipient_id == clicked.pk
    assert found.touch.campaign_id == clicked.campaign_id
    assert found.touch.variant_key == "B"


@pytest.mark.django_db
def test_recipient_clicked_at_is_a_click_source_when_it_is_the_later_one(account, contact):
    by_event = _recipient(account, contact)
    by_column = _recipient(account, contact, clicked_at=NOW - DAY)
    _click(by_event, NOW - 2 * DAY)

    found = attribution_find(account=account, contact_id=contact.pk, occurred_at=NOW)

    assert found is not None
    assert found.touch.recipient_id == by_column.pk


@pytest.mark.django_db
def test_the_account_windows_decide_at_their_edges(account, contact):
    account.click_window_days, account.delivery_window_days = 2, 3
    account.save()
    old_click = _recipient(account, contact, clicked_at=NOW - 2 * DAY - SECOND)
    delivered = _recipient(account, contact, delivered_at=NOW - 3 * DAY)

    found = attribution_find(account=account, contact_id=contact.pk, occurred_at=NOW)
    assert found is not None
    assert (found.kind, found.touch.recipient_id) == ("delivery", delivered.pk)

    # One second later the delivery is out of its window too: unattributed.
    later = attribution_find(account=account, contact_id=contact.pk, occurred_at=NOW + SECOND)
    assert later is None
    assert old_click.pk  # the old click never counted


@pytest.mark.django_db
def test_another_contacts_touches_never_count(account, contact):
    _recipient(account, ContactFactory(account=account), clicked_at=NOW - DAY)
    assert attribution_find(account=account, contact_id=contact.pk, occurred_at=NOW) is None


@pytest.mark.django_db
def test_a_conversion_made_days_later_by_time_machine_is_attributed_then_not(account, contact):
    """Through the recording service, with the clock moved: inside the click window the
    conversion goes to the clicked campaign; past both windows it counts for the account."""
    recipient = _recipient(account, contact, delivered_at=NOW - SECOND)
    _click(recipient, NOW)

    with time_machine.travel(NOW + 5 * DAY, tick=False):
        inside, _ = conversion_record(
            account=account, contact_id=contact.pk, data=ConversionIn(order_id="A-1")
        )
    with time_machine.travel(NOW + 5 * DAY + SECOND, tick=False):
        outside, _ = conversion_record(
            account=account, contact_id=contact.pk, data=ConversionIn(order_id="A-2")
        )

    assert (inside.campaign_id, inside.attribution) == (recipient.campaign_id, "click")
    assert (outside.campaign_id, outside.attribution) == (None, "")
