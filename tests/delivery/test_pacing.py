"""WhatsApp-aware pacing through the real pipeline against the WhatsApp stand-in: the
messaging limit (unique users per rolling 24 h) spreads a campaign over days, and the pair
rate keeps two campaigns of one number from messaging one user within seconds."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from campaigns.models import Campaign
from delivery import dispatch, pacing, prepare
from delivery.models import Recipient
from messaging.limits import messaging_limit
from messaging.models import Sender
from tests.delivery.helpers import drain, running_campaign, statuses
from tests.factories import ContactFactory, SenderFactory

pytestmark = pytest.mark.django_db
S = Recipient.Status
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def limited_sender(account, provider):
    return SenderFactory(
        account=account,
        name="New number",
        channel=Sender.Channel.WHATSAPP,
        messaging_limit="TIER_50",
        api_base_url=provider.url,
        rate_limit_per_second=0,
    )


def unique_users_between(provider, start: float, end: float) -> int:
    return len({r.json["to"] for r in provider.requests if start <= r.time < end})


def test_a_campaign_larger_than_the_limit_spreads_over_the_following_days(
    account, limited_sender, provider
):
    # given a number that may message 50 unique users a day, and a campaign of 120
    with time_machine.travel(T0, tick=True) as clock:
        campaign = running_campaign(account, limited_sender, 120)

        # when the pipeline runs on the first day
        drain(campaign)

        # then 50 went out and the rest wait, with the campaign still running
        assert statuses(campaign) == {"sent": 50, "pending": 70}
        assert campaign.status == Campaign.Status.RUNNING
        waiting = pacing.campaign_waiting(campaign)
        assert (waiting.to_send, waiting.room_now, waiting.later) == (70, 0, 70)
        # the last 20 go when the second day's window frees, 48 h after today's sends
        assert T0 + dt.timedelta(hours=47) < waiting.finish_by < T0 + dt.timedelta(hours=49)

        # when the every-minute tick runs later the same day: nothing more goes out
        clock.move_to(T0 + dt.timedelta(hours=23))
        assert dispatch.tick() == 0

        # when the window has moved on by a day, and again
        clock.move_to(T0 + dt.timedelta(hours=24, minutes=1))
        assert dispatch.tick() == 50
        drain(campaign)
        assert statuses(campaign) == {"sent": 100, "pending": 20}
        clock.move_to(T0 + dt.timedelta(hours=48, minutes=2))
        drain(campaign)

    # then everyone got one message, never more than 50 users in any 24 h
    assert statuses(campaign) == {"sent": 120}
    assert campaign.status == Campaign.Status.COMPLETED
    assert len(provider.requests) == 120
    day = 24 * 3600
    for request in provider.requests:
        assert unique_users_between(provider, request.time, request.time + day) <= 50


def test_two_campaigns_of_one_number_share_its_room(account, limited_sender):
    # given two running campaigns of the same limited number
    first = running_campaign(account, limited_sender, 30)
    second = running_campaign(account, limited_sender, 30)

    # when both dispatch
    queued = dispatch.dispatch_due(campaign_id=first.pk) + dispatch.dispatch_due(
        campaign_id=second.pk
    )

    # then together they take the 50 users the number may reach
    assert queued == 50
    assert pacing.window_users(limited_sender.pk, timezone.now()) == 50


# Slow: the second message to one user waits out WhatsApp's pair gap (6 s).
@pytest.mark.slow
def test_a_user_already_messaged_today_takes_no_new_room(account, limited_sender):
    # given a number whose window is full, and a campaign to users it already messaged
    first = running_campaign(account, limited_sender, 50)
    drain(first)
    assert statuses(first) == {"sent": 50}
    contacts = [r.contact for r in Recipient.objects.filter(campaign=first)[:5]]
    second = running_campaign(account, limited_sender, 0)
    Recipient.objects.bulk_create(
        [Recipient(account=account, campaign=second, contact=c) for c in contacts]
    )

    # when it runs
    drain(second)

    # then they are reached: a user counts once per window
    assert statuses(second) == {"sent": 5}
    assert second.status == Campaign.Status.COMPLETED


def test_a_whatsapp_number_without_a_known_tier_is_held_to_metas_starting_tier(
    account, provider, settings
):
    # given a WhatsApp sender whose tier was never read and is not set
    settings.WHATSAPP_MESSAGING_LIMIT_FALLBACK = "TIER_250"
    sender = SenderFactory(account=account, channel="whatsapp", api_base_url=provider.url)

    # then the starting tier applies, and says where it comes from
    limit = messaging_limit(sender)
    assert (limit.users, limit.source) == (250, "fallback")
    sender.limit_tier_read = "TIER_10K"
    assert (messaging_limit(sender).users, messaging_limit(sender).source) == (10_000, "whatsapp")
    sender.messaging_limit = "TIER_1K"
    assert (messaging_limit(sender).users, messaging_limit(sender).source) == (1000, "sender")


def test_forecast_counts_the_window_that_frees_oldest_first(account, limited_sender):
    # given 40 users messaged at 09:00 and 10 at 15:00
    with time_machine.travel(T0, tick=False):
        first = running_campaign(account, limited_sender, 40)
        drain(first)
    with time_machine.travel(T0 + dt.timedelta(hours=6), tick=False):
        second = running_campaign(account, limited_sender, 10)
        drain(second)

    # when a send of 45 more users is forecast at 16:00
    with time_machine.travel(T0 + dt.timedelta(hours=7), tick=False):
        result = pacing.forecast(limited_sender, 45)

    # then none fit now; the 45th goes when the 45th oldest slot frees: a 15:00 one, next day
    assert (result.room_now, result.later) == (0, 45)
    assert result.finish_by == T0 + dt.timedelta(hours=30)
    # and with fewer users than the room, nothing is spread
    assert pacing.forecast(SenderFactory(account=account, channel="sandbox"), 10) is None


def test_the_pair_rate_keeps_two_campaigns_from_messaging_one_user_within_the_gap(
    account, wa_sender, provider, settings
):
    # given a user that one campaign of the number has just messaged
    settings.WHATSAPP_PAIR_GAP_SECONDS = 1.5
    first = running_campaign(account, wa_sender, 3)
    drain(first)
    shared = Recipient.objects.filter(campaign=first).first().contact
    second = running_campaign(account, wa_sender, 2)
    Recipient.objects.create(account=account, campaign=second, contact=shared)

    # when a second campaign of the same number reaches that user at once
    drain(second)

    # then the user's second message left at least the gap after the first, the others at once
    assert statuses(second) == {"sent": 3}
    times = sorted(r.time for r in provider.requests if r.json["to"] == shared.phone)
    assert len(times) == 2
    assert times[1] - times[0] >= 1.5
    assert Recipient.objects.get(campaign=second, contact=shared).attempts == 1


def test_a_campaign_start_reads_the_numbers_tier_first_and_honours_it(account, provider):
    # given a WhatsApp number never read, which WhatsApp puts at 50 users a day
    provider.phone_number["messaging_limit_tier"] = "TIER_50"
    sender = SenderFactory(
        account=account,
        channel=Sender.Channel.WHATSAPP,
        phone_number_id="106540352242922",
        api_base_url=provider.url,
        rate_limit_per_second=0,
    )
    campaign = running_campaign(account, sender, 60)
    Campaign.objects.filter(pk=campaign.pk).update(prepared_at=None)
    Recipient.objects.filter(campaign=campaign).delete()
    for _ in range(60):
        ContactFactory(account=account)

    # when it is prepared and sent
    prepare.campaign_prepare(campaign_id=campaign.pk)
    drain(campaign)

    # then the tier was read, and only 50 users were messaged today
    sender.refresh_from_db()
    assert (sender.limit_tier_read, sender.quality_rating) == ("TIER_50", "GREEN")
    assert statuses(campaign)["sent"] == 50
    assert [r.method for r in provider.requests].count("GET") == 1
