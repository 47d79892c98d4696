"""The details page keeps its figures and its header live until the receipts have settled."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from analytics.models import Event
from campaigns.models import Campaign
from campaigns.views.pages import header_state
from delivery.live import campaign_settled
from delivery.models import Recipient
from tests.factories import CampaignFactory, ContactFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


def _recipient(campaign, status, **fields):
    return Recipient.objects.create(
        account=campaign.account,
        campaign=campaign,
        contact=ContactFactory(account=campaign.account),
        status=status,
        **fields,
    )


def _poll(client, campaign, shown=""):
    url = reverse("campaigns:live_stats", args=[campaign.pk])
    return client.get(url, {"shown": shown}).content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_completed_campaign_stays_live_while_a_receipt_is_awaited(account, settings):
    settings.CAMPAIGNS_RECEIPTS_SETTLE_SECONDS = 600
    campaign = CampaignFactory(account=account, status=Campaign.Status.COMPLETED)
    _recipient(campaign, Recipient.Status.SENT, sent_at=NOW - dt.timedelta(minutes=3))
    assert campaign_settled(campaign=campaign) is False
    # ten minutes after that send, nothing more is expected: the figures are settled
    later = NOW + dt.timedelta(minutes=7, seconds=1)
    assert campaign_settled(campaign=campaign, now=later) is True


@time_machine.travel(NOW, tick=False)
def test_a_recent_receipt_keeps_it_live_and_a_worker_in_flight_too(account, settings):
    settings.CAMPAIGNS_RECEIPTS_SETTLE_SECONDS = 600
    campaign = CampaignFactory(account=account, status=Campaign.Status.COMPLETED)
    delivered = _recipient(campaign, Recipient.Status.DELIVERED, sent_at=NOW)
    Event.objects.create(
        account=account,
        campaign=campaign,
        recipient=delivered,
        type=Event.Type.DELIVERED,
        occurred_at=NOW - dt.timedelta(minutes=2),
    )
    assert campaign_settled(campaign=campaign) is False
    assert campaign_settled(campaign=campaign, now=NOW + dt.timedelta(minutes=9)) is True

    paused = CampaignFactory(account=account, status=Campaign.Status.PAUSED)
    _recipient(paused, Recipient.Status.SENDING)
    assert campaign_settled(campaign=paused, now=NOW + dt.timedelta(days=1)) is False


def test_running_and_scheduled_are_never_settled_drafts_always(account):
    for status in (Campaign.Status.RUNNING, Campaign.Status.SCHEDULED):
        assert campaign_settled(campaign=CampaignFactory(account=account, status=status)) is False
    assert campaign_settled(campaign=CampaignFactory(account=account)) is True


@time_machine.travel(NOW, tick=False)
def test_the_poll_keeps_polling_after_completion_until_settled(logged_in_client, account):
    # given a campaign that just completed, its last message still awaiting a receipt
    campaign = CampaignFactory(account=account, status=Campaign.Status.COMPLETED)
    _recipient(campaign, Recipient.Status.SENT, sent_at=NOW - dt.timedelta(seconds=5))
    # when the page polls
    html = _poll(logged_in_client, campaign)
    # then the stats block asks again
    assert "hx-get" in html
    assert 'data-live="true"' in html
    # and once the receipts window has passed, the block stops asking
    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
        html = _poll(logged_in_client, campaign)
    assert "hx-get" not in html
    assert 'data-live="false"' in html


@time_machine.travel(NOW, tick=False)
def test_the_header_comes_back_out_of_band_only_when_the_status_moved(logged_in_client, account):
    campaign = CampaignFactory(
        account=account, status=Campaign.Status.RUNNING, name="Summer", status_reason=""
    )
    shown = header_state(campaign)
    assert "hx-swap-oob" not in _poll(logged_in_client, campaign, shown=shown)
    # the campaign completes behind the page's back, its last receipt still due
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.COMPLETED, completed_at=timezone.now()
    )
    _recipient(campaign, Recipient.Status.SENT, sent_at=NOW)
    html = _poll(logged_in_client, campaign, shown=shown)
    assert f'id="campaign-header-{campaign.pk}" hx-swap-oob="true"' in html
    assert "badge-completed" in html
    # the buttons of the header follow the status: no more "Pause"
    assert 'data-action="pause"' not in html
    # and the next poll (receipts are still due) tells the server what it now shows
    campaign.refresh_from_db()
    assert f"shown={header_state(campaign)}" in html


def test_a_failed_campaign_shows_its_reason_once(logged_in_client, account):
    campaign = CampaignFactory(
        account=account,
        status=Campaign.Status.FAILED,
        status_reason="The provider refused the template: it is not approved yet.",
    )
    html = logged_in_client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert html.count("The provider refused the template: it is not approved yet.") == 1


def test_the_detail_page_polls_a_running_campaign(logged_in_client, account):
    campaign = CampaignFactory(account=account, status=Campaign.Status.RUNNING)
    html = logged_in_client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert f"/live-stats/?shown={header_state(campaign)}" in html
    assert 'hx-trigger="every 2s"' in html
