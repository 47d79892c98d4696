"""The review step and the details page say when a WhatsApp messaging limit spreads a send
over days, with the estimate of when its last messages go; and a number of low quality."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from campaigns.models import Campaign
from tests.delivery.helpers import drain, running_campaign
from tests.factories import CampaignFactory, ContactFactory, SenderFactory
from tests.messaging.provider_server import ProviderServer

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def provider():
    with ProviderServer(seed=3) as server:
        yield server


def _review(client, draft) -> str:
    edit = f"/dashboard/campaigns/{draft.pk}/edit/"
    client.get(edit)
    page = client.get(edit + "?step=review").content.decode()
    if "Step 6 of 6" not in page:  # the step bar jumps by posting the current step
        page = client.post(
            edit, {"campaign_wizard_edit-current_step": "basics", "wizard_goto_step": "review"}
        ).content.decode()
    return page


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@time_machine.travel(NOW, tick=False)
def test_the_review_says_a_send_larger_than_the_limit_goes_over_days(account, as_role):
    # given a draft to 120 contacts from a number that may message 50 users a day
    sender = SenderFactory(account=account, name="New number", messaging_limit="TIER_50")
    for _ in range(120):
        ContactFactory(account=account)
    draft = CampaignFactory(account=account, sender=sender, estimated_reach=120)

    # when its review step is opened
    page = _text(_review(as_role(Role.MARKETER), draft))

    # then it says how the send is spread, and when the last messages are expected
    assert "Sent over several days." in page
    assert "New number may message 50 unique users per 24 hours (as set on the sender)" in page
    assert "50 go out now, the other 70 as the 24-hour window frees room" in page
    # 70 beyond today's 50: two more 24 h windows, shown in the account's time zone (Paris)
    assert "the last are expected around Thu 3 Dec, 10:00 CET (in 2 days)" in page


@time_machine.travel(NOW, tick=False)
def test_the_review_of_a_send_within_the_limit_says_so_and_warns_of_low_quality(account, as_role):
    sender = SenderFactory(
        account=account, name="Shop", messaging_limit="TIER_1K", quality_rating="RED"
    )
    ContactFactory(account=account)
    draft = CampaignFactory(account=account, sender=sender, estimated_reach=1)

    page = _text(_review(as_role(Role.MARKETER), draft))

    assert "Within the messaging limit." in page
    assert "1,000 of them are free now" in page
    assert "WhatsApp rates the quality of Shop low" in page


def test_a_send_without_a_limit_shows_no_pacing_note(account, as_role):
    ContactFactory(account=account)
    draft = CampaignFactory(account=account, estimated_reach=1)  # a sandbox sender

    page = _review(as_role(Role.MARKETER), draft)

    assert "data-pacing" not in page


def test_the_details_page_of_a_campaign_waiting_for_room_says_until_when(
    account, as_role, provider
):
    # given a running campaign that has used the day's room of its number
    sender = SenderFactory(
        account=account,
        name="New number",
        channel="whatsapp",
        messaging_limit="TIER_50",
        api_base_url=provider.url,
        rate_limit_per_second=0,
    )
    with time_machine.travel(NOW, tick=False):
        campaign = running_campaign(account, sender, 60)
        drain(campaign)
        assert campaign.status == Campaign.Status.RUNNING

        # when its page and its live figures are read
        client = as_role(Role.VIEWER)
        page = _text(client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode())
        poll = _text(
            client.get(reverse("campaigns:live_stats", args=[campaign.pk])).content.decode()
        )

    # then both say the rest waits for the window, and until when
    for html in (page, poll):
        assert "Waiting for the messaging limit." in html
        assert "10 recipients wait and go out as the 24-hour window frees room" in html
        assert "Wed 2 Dec, 10:00 CET" in html
