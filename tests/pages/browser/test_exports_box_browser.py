"""The analytics page's Exports box in Chromium: start a report, watch it finish, download."""

import pytest
from playwright.sync_api import expect

from analytics.exports.services import export_run
from analytics.models import Export
from tests.analytics.sample import campaign_with_activity
from tests.pages.test_csp_browser import PolicyWatch

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_exports_box_starts_follows_and_downloads(
    live_server, signed_in_page, account, settings, tmp_path
):
    # given a campaign with activity, on its analytics page
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    campaign = campaign_with_activity(account)
    page, watch, errors = signed_in_page, PolicyWatch(signed_in_page.context), []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/dashboard/campaigns/{campaign.pk}/analytics/", timeout=60_000)
    box = page.locator("#exports-box")

    # when the report is asked for, and its task runs
    page.get_by_role("button", name="Report (XLSX)").click()
    expect(box).to_contain_text("Queued")
    export_run(export_id=Export.objects.get().pk)

    # then the box's polling shows the download, which is the workbook
    expect(box.get_by_role("link", name="Download")).to_be_visible(timeout=10_000)
    with page.expect_download() as info:
        box.get_by_role("link", name="Download").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    assert watch.take() == []
    assert errors == []
