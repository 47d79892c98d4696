"""The wizard as a marketer uses it, in Debian's Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _next(page):
    page.click("button[data-next]")
    page.wait_for_load_state("domcontentloaded")


def _fill_basics(page, name):
    page.fill("#id_basics-name", name)
    page.check("input[name='basics-type'][value='broadcast']")
    _next(page)


def _step(page, n, total=6):
    assert f"Step {n} of {total}" in page.inner_text(".page-header")


def test_six_steps_create_a_scheduled_broadcast(live_server, signed_in, audience_data):
    page = signed_in
    page.goto(f"{live_server.url}/dashboard/campaigns/create/")
    _fill_basics(page, "Browser spring sale")
    _step(page, 2)
    page.check("input[name='audience-audience_type'][value='segment']")
    page.check(f"input[name='audience-segments'][value='{audience_data['segment'].pk}']")
    expect(page.locator("#reach [data-reach]")).to_have_text("3")
    _next(page)
    _step(page, 3)
    page.select_option("#id_message-sender", str(audience_data["sender"].pk))
    page.check("input[name='message-message_type'][value='text']")
    page.fill("#id_message-message_content", "Hello ")
    page.select_option("#variable-insert", "first_name")
    assert page.input_value("#id_message-message_content") == "Hello {{first_name}}"
    # the phone preview shows an example in place of the variable
    expect(page.locator("[data-preview-text]")).to_have_text("Hello Ada")
    _next(page)
    _step(page, 4)
    page.fill("input[name='personalization-fallback__first_name']", "friend")
    _next(page)
    _step(page, 5)
    page.check("input[name='scheduling-when'][value='later']")
    start = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT09:30")
    page.fill("#id_scheduling-start_date", start)
    page.select_option("#id_scheduling-timezone", "Europe/Paris")
    _next(page)
    _step(page, 6)
    assert "Everything checks out" in page.inner_text("main")
    assert "Europe/Paris" in page.inner_text("[data-schedule-words]")
    page.screenshot(path="/tmp/wizard-review.png", full_page=True)
    page.click("button[name='review-action'][value='send']")
    page.wait_for_url(f"{live_server.url}/dashboard/campaigns/*/")
    campaign = Campaign.objects.get(name="Browser spring sale")
    assert campaign.status == Campaign.Status.SCHEDULED
    assert campaign.message_content == "Hello {{first_name}}"
    assert campaign.timezone == "Europe/Paris"


def test_back_from_review_to_audience_keeps_everything_else(live_server, signed_in, audience_data):
    page = signed_in
    page.goto(f"{live_server.url}/dashboard/campaigns/create/")
    _fill_basics(page, "Round trip")
    page.check("input[name='audience-audience_type'][value='all']")
    _next(page)
    page.select_option("#id_message-sender", str(audience_data["sender"].pk))
    page.check("input[name='message-message_type'][value='text']")
    page.fill("#id_message-message_content", "Hi {{first_name}} from {{attributes.city}}")
    _next(page)
    _next(page)
    page.check("input[name='scheduling-when'][value='now']")
    _next(page)
    _step(page, 6)
    assert Campaign.objects.get(name="Round trip").estimated_reach == 4
    # back to step 2 through the step bar, narrow the audience, then forward again
    page.click("button[name='wizard_goto_step'][value='audience']")
    _step(page, 2)
    page.check("input[name='audience-audience_type'][value='segment']")
    page.check(f"input[name='audience-segments'][value='{audience_data['segment'].pk}']")
    _next(page)
    _step(page, 3)
    assert page.input_value("#id_message-message_content") == (
        "Hi {{first_name}} from {{attributes.city}}"
    )
    _next(page)
    _next(page)
    _step(page, 5)
    assert page.is_checked("input[name='scheduling-when'][value='now']")
    _next(page)
    _step(page, 6)
    campaign = Campaign.objects.get(name="Round trip")
    assert campaign.audience_type == "segment"
    assert campaign.estimated_reach == 3
    assert campaign.sender_id == audience_data["sender"].pk
    assert campaign.send_now is True
    assert "Hi Ada from Paris" in page.inner_text("aside")


def test_closing_the_tab_and_coming_back_resumes_the_draft(live_server, signed_in, audience_data):
    page = signed_in
    page.goto(f"{live_server.url}/dashboard/campaigns/create/")
    _fill_basics(page, "Come back later")
    page.check("input[name='audience-audience_type'][value='segment']")
    page.check(f"input[name='audience-segments'][value='{audience_data['segment'].pk}']")
    _next(page)
    page.close()
    # a new tab: the draft is in the list and opens in the wizard, pre-filled
    page = signed_in.context.new_page()
    page.goto(f"{live_server.url}/dashboard/campaigns/?status=draft")
    page.click("text=Come back later")
    draft = Campaign.objects.get(name="Come back later")
    page.goto(f"{live_server.url}/dashboard/campaigns/{draft.pk}/edit/")
    assert page.input_value("#id_basics-name") == "Come back later"
    _next(page)
    _step(page, 2)
    assert page.is_checked(
        f"input[name='audience-segments'][value='{audience_data['segment'].pk}']"
    )
