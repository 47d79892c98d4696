"""The details page follows a send to its end without a reload: the status badge moves to
Completed, then the sandbox's status playback delivers and reads, and the figures follow."""

import ast

import pytest
from django_q.models import Schedule
from playwright.sync_api import expect

from campaigns.models import Campaign
from messaging.models import Sender
from messaging.providers.sandbox import STAGE_DELIVER, STAGE_READ
from messaging.tasks import sandbox_statuses_emit
from tests.delivery.helpers import drain, running_campaign
from tests.factories import SenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AUDIENCE = 6


def _play_back(stage: str) -> None:
    """Run the sandbox's status Schedules of ``stage`` now (what the cluster would do when
    they come due), through the task the Schedule names."""
    for row in Schedule.objects.filter(func="messaging.tasks.sandbox_statuses_emit"):
        message_pks, row_stage = ast.literal_eval(row.args)
        if row_stage == stage:
            sandbox_statuses_emit(message_pks, row_stage)


def _stat(page, name):
    return page.locator(f'[data-stat="{name}"]')


def test_the_page_shows_the_final_status_and_receipts_without_a_reload(
    live_server, signed_in_page, account, settings
):
    # given a running campaign on a sandbox sender that plays statuses back, none failing
    settings.SANDBOX_FAILED_PERCENT = 0
    settings.SANDBOX_READ_PERCENT = 100
    sender = SenderFactory(account=account, channel=Sender.Channel.SANDBOX, simulate_statuses=True)
    campaign = running_campaign(account, sender, AUDIENCE)
    page = signed_in_page
    page.goto(f"{live_server.url}/dashboard/campaigns/{campaign.pk}/")
    badge = page.locator(".page-header .meta-line .badge").first
    expect(badge).to_have_text("Running")
    expect(_stat(page, "total_delivered")).to_have_text("0")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()

    # when every message is sent and the campaign completes
    drain(campaign)
    assert campaign.status == Campaign.Status.COMPLETED

    # then, with no reload, the header says Completed and offers no Pause any more
    expect(badge).to_have_text("Completed", timeout=10_000)
    expect(_stat(page, "total_sent")).to_have_text(str(AUDIENCE))
    expect(page.get_by_role("button", name="Pause")).to_have_count(0)
    assert Schedule.objects.filter(func="messaging.tasks.sandbox_statuses_emit").exists()

    # when the delivery receipts arrive after completion
    _play_back(STAGE_DELIVER)
    # then the page, still polling, shows them
    expect(_stat(page, "total_delivered")).to_have_text(str(AUDIENCE), timeout=10_000)

    # and the read receipts after them
    _play_back(STAGE_READ)
    expect(_stat(page, "total_opened")).to_have_text(str(AUDIENCE), timeout=10_000)
    campaign.refresh_from_db()
    assert (campaign.total_delivered, campaign.total_opened) == (AUDIENCE, AUDIENCE)
    page.screenshot(path="/tmp/campaigns-pages/live-stats-settled.png", full_page=True)
