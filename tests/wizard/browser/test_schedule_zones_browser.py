"""Step 5's time-zone table shows the schedule being typed, and stays inside its card at
1440 px (checked with bounding boxes)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_zone_table_follows_the_typed_schedule_and_fits(
    live_server, signed_in, audience_data, account
):
    # a contact in a zone with a long name, to test the fit
    ContactFactory(
        account=account,
        phone="+5491123456789",
        country="AR",
        timezone="America/Argentina/Buenos_Aires",
    )
    page = signed_in
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/dashboard/campaigns/create/")
    page.fill("#id_basics-name", "Zones")
    page.check("input[name='basics-type'][value='broadcast']")
    page.click("button[data-next]")
    page.check("input[name='audience-audience_type'][value='all']")
    page.click("button[data-next]")
    page.select_option("#id_message-sender", str(audience_data["sender"].pk))
    page.check("input[name='message-message_type'][value='text']")
    page.fill("#id_message-message_content", "Hello")
    page.click("button[data-next]")
    page.click("button[data-next]")
    assert "Step 5 of 6" in page.inner_text(".page-header")

    # when the marketer types a start ten days ahead at 09:30 in Paris
    day = timezone.now() + timedelta(days=10)
    page.check("input[name='scheduling-when'][value='later']")
    page.select_option("#id_scheduling-timezone", "Europe/Paris")
    page.fill("#id_scheduling-start_date", day.strftime("%Y-%m-%dT09:30"))
    page.locator("#id_scheduling-start_date").dispatch_event("change")

    # then, before saving, the table shows that time (not the current time) in Paris
    paris = page.locator("[data-zones] tr[data-zone='Europe/Paris']")
    expect(paris).to_contain_text("09:30")
    expect(paris).to_contain_text(day.strftime("%-d %b"))
    # and with local-time delivery, New York gets its own 09:30 too
    page.check("#id_scheduling-local_time_delivery")
    expect(page.locator("[data-zones] tr[data-zone='America/New_York']")).to_contain_text("09:30")

    # and the table stays inside its card
    boxes = page.evaluate(
        """() => {
            const card = document.querySelector('#zones').closest('.card').getBoundingClientRect();
            return [...document.querySelectorAll('[data-zones], [data-zones] td')].map(el => {
                const b = el.getBoundingClientRect();
                return [b.left >= card.left - 0.5 && b.right <= card.right + 0.5 && b.right <= 1440,
                        el.textContent.trim()];
            });
        }"""
    )
    assert [text for inside, text in boxes if not inside] == []
    assert any("Buenos Aires" in text for _inside, text in boxes)
    page.screenshot(path="/tmp/campaigns-pages/wizard-zones-1440.png", full_page=True)
