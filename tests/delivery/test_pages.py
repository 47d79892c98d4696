"""The queue pages and the live stats partial: figures, polling, tenancy."""

import pytest
from django.urls import reverse

from delivery import dispatch, send
from tests.delivery.helpers import running_campaign
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_the_campaign_queue_shows_counts_progress_and_polls(
    logged_in_client, account, wa_sender, settings
):
    # given a running campaign with one batch of 10 sent and 20 queued
    settings.CAMPAIGNS_BATCH_SIZE = 10
    campaign = running_campaign(account, wa_sender, 30)
    dispatch.dispatch_due(campaign_id=campaign.pk)
    send.batch_send(batch_id=campaign.batches.order_by("pk").first().pk)

    # when the queue page is opened
    response = logged_in_client.get(reverse("campaigns:campaign_queue", args=[campaign.pk]))

    # then it shows the figures and polls its panel every 2 s
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'aria-valuenow="33.3"' in html
    queue = response.context["queue"]
    assert (queue["queued"], queue["sent"], queue["inFlight"], queue["remaining"]) == (
        20,
        10,
        0,
        20,
    )
    assert queue["ratePerMinute"] == 10
    assert queue["etaSeconds"] == 120

    # and the htmx poll gets only the panel
    partial = logged_in_client.get(
        reverse("campaigns:campaign_queue", args=[campaign.pk]), HTTP_HX_REQUEST="true"
    )
    assert partial.content.decode().lstrip().startswith("<section")


def test_a_finished_campaign_stops_polling(logged_in_client, account, wa_sender):
    campaign = CampaignFactory(account=account, status="completed")
    html = logged_in_client.get(
        reverse("campaigns:campaign_queue", args=[campaign.pk])
    ).content.decode()
    assert "hx-trigger" not in html


def test_the_account_queue_lists_live_campaigns(logged_in_client, account, wa_sender):
    campaign = running_campaign(account, wa_sender, 5)
    response = logged_in_client.get(reverse("campaigns:queue"))
    assert response.status_code == 200
    rows = response.context["queue"]["campaigns"]
    assert [r["campaign"].pk for r in rows] == [campaign.pk]
    assert rows[0]["pending"] == 5
    assert campaign.name in response.content.decode()


def test_live_stats_partial(logged_in_client, account, wa_sender):
    campaign = running_campaign(account, wa_sender, 4)
    response = logged_in_client.get(reverse("campaigns:live_stats", args=[campaign.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in html
    assert f"estimated {campaign.estimated_reach}" in html
    assert 'data-stat="total_sent"' in html


def test_pages_of_another_account_are_404(logged_in_client, other_account):
    theirs = CampaignFactory(account=other_account)
    for name in ("campaigns:campaign_queue", "campaigns:live_stats"):
        assert logged_in_client.get(reverse(name, args=[theirs.pk])).status_code == 404


def test_pages_need_a_login(client, account):
    campaign = CampaignFactory(account=account)
    response = client.get(reverse("campaigns:campaign_queue", args=[campaign.pk]))
    assert response.status_code == 302
