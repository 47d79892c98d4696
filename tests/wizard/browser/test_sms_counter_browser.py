"""The message step counts an SMS live in Chromium: characters, encoding, segments and cost
follow the text as it is typed and the sender as it is picked."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from messaging.models import Sender
from tests.factories import SenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_counter_follows_the_text_and_the_sender(
    live_server, signed_in, audience_data, account
):
    sms = SenderFactory(
        account=account,
        name="Texts",
        channel=Sender.Channel.SMS,
        account_sid="AC1",
        auth_token="t",
        from_address="+15005550006",
        sms_segment_price=Decimal("0.0079"),
    )
    page = signed_in
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/dashboard/campaigns/create/")
    page.fill("#id_basics-name", "Texts")
    page.check("input[name='basics-type'][value='broadcast']")
    page.click("button[data-next]")
    page.check("input[name='audience-audience_type'][value='all']")
    page.click("button[data-next]")
    assert "Step 3 of 6" in page.inner_text(".page-header")
    counter = page.locator("#sms-count")

    # a WhatsApp-style sender: no counter
    page.select_option("#id_message-sender", str(audience_data["sender"].pk))
    page.check("input[name='message-message_type'][value='text']")
    page.fill("#id_message-message_content", "Hello")
    expect(counter).to_be_empty()

    # the SMS sender: the text is counted and priced
    page.select_option("#id_message-sender", str(sms.pk))
    expect(counter.locator("[data-sms-characters]")).to_have_text("5")
    expect(counter.locator("[data-sms-cost]")).to_contain_text("0.0079 USD")

    # typing past one segment, then one emoji that makes it UCS-2
    page.fill("#id_message-message_content", "a" * 161)
    expect(counter.locator("[data-sms-segments]")).to_have_text("2")
    expect(counter.locator("[data-sms-cost]")).to_contain_text("0.0158 USD")
    page.locator("#id_message-message_content").press_sequentially("😀")
    expect(counter.locator("[data-sms-segments]")).to_have_text("3")
    expect(counter).to_contain_text("UCS-2")
    page.screenshot(path="/tmp/campaigns-pages/wizard-sms-counter.png", full_page=True)
    assert errors == []
