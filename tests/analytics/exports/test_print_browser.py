"""The printable report in Chromium: it renders its tables with no script error and no
Content-Security-Policy violation, and lays out for print without the top bar."""

import os

import pytest

from tests.analytics.exports.world import build_world

# Playwright's sync API runs an event loop in this thread; the ORM must be told that is fine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_printable_report_renders_and_prints_without_the_chrome(
    signed_in_page, live_server, account
):
    from playwright.sync_api import expect

    page = signed_in_page
    campaign = build_world(account).campaign
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )

    page.goto(f"{live_server.url}/dashboard/campaigns/{campaign.pk}/analytics/print/?variant=A")

    expect(page.get_by_role("heading", name="Spring sale: report")).to_be_visible()
    funnel = page.locator('[data-table="funnel"] tbody tr')
    expect(funnel).to_have_count(6)
    expect(funnel.nth(4)).to_contain_text("2")  # two of A's recipients clicked
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.screenshot(path="/tmp/analytics_print.png", full_page=True)
    # in print, the top bar and the button are gone
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    assert errors == []
