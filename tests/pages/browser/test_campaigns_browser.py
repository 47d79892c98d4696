"""A marketer signs in through the real form, filters the list and opens a campaign."""

import os

import pytest

from accounts.models import Role
from campaigns.services import transitions
from tests.conftest import PASSWORD
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    MembershipFactory,
    SegmentFactory,
    UserFactory,
)

SCREENSHOTS = "/tmp/campaigns-pages"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sign_in_filter_and_open_a_campaign(live_server, browser_page):
    # given a marketer in an account with campaigns in several statuses
    account = AccountFactory(name="Acme Coffee", slug="acme-coffee", timezone="Europe/Paris")
    marketer = UserFactory(username="maria")
    MembershipFactory(user=marketer, account=account, role=Role.MARKETER)
    segment = SegmentFactory(account=account, name="Loyal customers")
    for name, status, sent in [
        ("Welcome series", "draft", 0),
        ("Autumn blend launch", "running", 1840),
        ("Holiday gift guide", "scheduled", 0),
        ("Summer clearance", "completed", 5210),
        ("Flash sale reminder", "paused", 320),
        ("Espresso masterclass", "running", 760),
    ]:
        campaign = CampaignFactory(
            account=account,
            name=name,
            status=status,
            total_recipients=max(sent, 2000) if sent else 0,
            total_sent=sent,
            total_delivered=int(sent * 0.93),
            total_opened=int(sent * 0.61),
            total_clicked=int(sent * 0.18),
            total_converted=int(sent * 0.04),
            audience_type="segment",
        )
        campaign.segments.set([segment])
        transitions.record(campaign=campaign, actor=marketer, action="create")
    page = browser_page
    os.makedirs(SCREENSHOTS, exist_ok=True)
    # The server listens on IPv4; "localhost" could resolve to ::1 first.
    base = live_server.url.replace("localhost", "127.0.0.1")

    # when she signs in through the login form
    page.goto(f"{base}/dashboard/campaigns/")
    assert "/accounts/login/" in page.url
    page.screenshot(path=f"{SCREENSHOTS}/01-login.png", full_page=True)
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # then she lands on the campaigns list, with every campaign
    page.wait_for_url(f"{base}/dashboard/campaigns/")
    assert page.get_by_role("heading", name="Campaigns", exact=True).is_visible()
    assert page.locator("table.campaigns-table tbody tr").count() == 6
    page.screenshot(path=f"{SCREENSHOTS}/02-list.png", full_page=True)

    # when she filters by status "Running"
    page.get_by_label("Status", exact=True).select_option("running")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**status=running**")

    # then only the running campaigns are listed
    rows = page.locator("table.campaigns-table tbody tr")
    assert rows.count() == 2
    names = sorted(rows.locator("a.strong").all_inner_texts())
    assert names == ["Autumn blend launch", "Espresso masterclass"]
    page.screenshot(path=f"{SCREENSHOTS}/03-filtered.png", full_page=True)

    # when she opens one
    page.get_by_role("link", name="Autumn blend launch").click()

    # then its details show its stats and the actions a running campaign allows
    assert page.get_by_role("heading", name="Autumn blend launch").is_visible()
    sent = page.locator(".stat", has=page.locator(".stat-label", has_text="Sent"))
    assert sent.locator(".stat-value").inner_text() == "1,840"
    assert page.get_by_role("button", name="Pause").is_visible()
    assert page.get_by_role("button", name="Publish").count() == 0
    assert page.get_by_text("Loyal customers").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/04-details.png", full_page=True)

    # and on a phone-sized screen the list still fits
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/dashboard/campaigns/")
    page.screenshot(path=f"{SCREENSHOTS}/05-list-mobile.png", full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390
