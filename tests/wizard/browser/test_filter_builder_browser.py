"""One rule editor in two places: the segment page and the wizard's "Custom filters" audience.

The same steps build the same rule in both; each page counts it live and stores it."""

import pytest
from playwright.sync_api import expect

from audience.models import Segment
from campaigns.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CITY_IS_PARIS = {"field": "attributes.city", "operator": "eq", "value": "Paris"}


def _build_city_is_paris(page) -> None:
    page.get_by_role("button", name="Add a rule to the filter").click()
    page.get_by_label("Rule 1 field").select_option("attributes.city")
    page.get_by_label("Rule 1 operator").select_option("eq")
    page.get_by_label("Rule 1 value").fill("Paris")


def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_the_segment_page_builds_counts_and_saves_a_rule(live_server, signed_in, audience_data):
    page = signed_in
    errors = _watch_errors(page)
    page.goto(f"{live_server.url}/dashboard/audience/segments/new/")
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "4")
    _build_city_is_paris(page)
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "3")
    page.get_by_label("Name").fill("Parisians")
    page.get_by_role("button", name="Create segment").click()
    expect(page.get_by_role("link", name="Parisians")).to_be_visible()
    segment = Segment.objects.get(name="Parisians")
    assert segment.filters["rules"] == [CITY_IS_PARIS]
    assert segment.contact_count == 3
    assert errors == []


def test_the_wizard_builds_counts_and_saves_custom_filters(live_server, signed_in, audience_data):
    page = signed_in
    errors = _watch_errors(page)
    page.goto(f"{live_server.url}/dashboard/campaigns/create/")
    page.fill("#id_basics-name", "Paris only")
    page.check("input[name='basics-type'][value='broadcast']")
    page.click("button[data-next]")
    assert "Step 2 of 6" in page.inner_text(".page-header")

    # when the marketer picks "Custom filters", the rule editor is there, not an empty panel
    page.check("input[name='audience-audience_type'][value='custom']")
    add = page.get_by_role("button", name="Add a rule to the filter")
    expect(add).to_be_visible()
    _build_city_is_paris(page)
    # and the reach beside counts the rule as it is built
    expect(page.locator("#reach [data-reach]")).to_have_text("3")
    page.screenshot(path="/tmp/campaigns-pages/wizard-custom-filters.png", full_page=True)

    # when she continues, the step is accepted (no "Add at least one rule") and stored
    page.click("button[data-next]")
    assert "Step 3 of 6" in page.inner_text(".page-header")
    campaign = Campaign.objects.get(name="Paris only")
    assert campaign.audience_type == Campaign.AudienceType.CUSTOM
    assert campaign.custom_filters["rules"] == [CITY_IS_PARIS]
    assert campaign.estimated_reach == 3

    # and back on the audience step the editor shows the stored rule
    page.click("button[name='wizard_goto_step'][value='audience']")
    expect(page.get_by_label("Rule 1 field")).to_have_value("attributes.city")
    expect(page.get_by_label("Rule 1 value")).to_have_value("Paris")
    assert errors == []
