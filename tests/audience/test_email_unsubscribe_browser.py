"""The unsubscribe link of a captured e-mail, followed the two ways it is used: a person opens
it in Chromium and presses the button (under the Content-Security-Policy), and a mailbox
provider POSTs RFC 8058's one-click body to it over real HTTP, with no cookie or token."""

import pytest
import requests
from playwright.sync_api import expect

from audience.models import Contact
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from tests.factories import ContactFactory
from tests.messaging.email_support import ONE_CLICK, email_sender, parsed, unsubscribe_url
from tests.messaging.smtp_server import SmtpServer
from tests.pages.test_csp_browser import PolicyWatch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def link(account, live_server, settings):
    """The List-Unsubscribe link of an e-mail sent to a fresh contact, as received."""
    settings.PUBLIC_BASE_URL = live_server.url
    contact = ContactFactory(account=account, email="ann@example.org")
    with SmtpServer() as server:
        adapter = get_adapter(email_sender(account, server))
        result = adapter.send(
            OutboundMessage(
                recipient_id=0,
                callback_data="test",
                to_email=contact.email,
                contact_id=contact.pk,
                subject="Spring sale",
                text="The sale is on.",
            )
        )
        adapter.close()
        message = parsed(server.mails[0])
    assert result.ok
    assert message["List-Unsubscribe-Post"] == ONE_CLICK
    url = unsubscribe_url(message)
    assert url.startswith(f"{live_server.url}/unsubscribe/email/")
    return contact, url


@pytest.mark.browser
@pytest.mark.slow
def test_a_person_opens_the_link_confirms_and_is_unsubscribed(link, browser_page):
    contact, url = link
    watch = PolicyWatch(browser_page.context)

    response = browser_page.goto(url)

    assert response.status == 200
    expect(browser_page.get_by_role("heading", name="Unsubscribe from e-mails?")).to_be_visible()
    expect(browser_page.get_by_text("a•••@example.org")).to_be_visible()
    assert Contact.objects.get(pk=contact.pk).email_opted_out_at is None  # opening changed nothing

    browser_page.get_by_role("button", name="Unsubscribe").click()

    expect(browser_page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert Contact.objects.get(pk=contact.pk).email_opted_out_at is not None
    browser_page.goto(url)  # opened again later: it says so, and offers no button
    expect(browser_page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert browser_page.get_by_role("button", name="Unsubscribe").count() == 0
    assert watch.take() == []


def test_a_mailbox_providers_one_click_post_over_http(link):
    contact, url = link

    response = requests.post(
        url,
        data=ONE_CLICK,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=10,
    )

    assert response.status_code == 200
    assert Contact.objects.get(pk=contact.pk).email_opted_out_at is not None
