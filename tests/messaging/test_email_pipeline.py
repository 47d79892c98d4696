"""Done when (e-mail): a campaign made through the API goes out through the real pipeline
(publish, materialise, dispatch, batch tasks) to a real SMTP server on 127.0.0.1, every
captured message has the full structure, and a 550 marks the contact bounced so the next
campaign skips it."""

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from delivery import prepare
from delivery.link_tokens import token_read
from delivery.models import Recipient, TrackedLink
from tests.delivery.helpers import drain
from tests.factories import ContactFactory
from tests.messaging.email_support import (
    assert_campaign_email,
    email_sender,
    parsed,
    parts,
    unsubscribe_url,
)
from tests.messaging.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db

BASE = "https://campaigns.example.com"


@pytest.fixture(autouse=True)
def _public_base(settings):
    settings.PUBLIC_BASE_URL = BASE
    settings.EMAIL_ID_DOMAIN = ""


def _send_campaign(api, sender, name: str) -> Campaign:
    document = {
        "name": name,
        "type": "broadcast",
        "phoneNumberId": sender.phone_number_id,
        "audience": {"type": "all"},
        "message": {
            "type": "text",
            "subject": "{{first_name}}, the <sale> is on",
            "content": "Hi {{first_name}},\n\nthe sale is on: https://shop.example/sale",
        },
        "scheduling": {"sendNow": True},
    }
    created = api.post("/api/campaigns", document, content_type="application/json")
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    sent = api.post(f"/api/campaigns/{campaign_id}/send")
    assert sent.status_code == 202, sent.content
    prepare.campaign_prepare(campaign_id=campaign_id)
    campaign = Campaign.objects.get(pk=campaign_id)
    drain(campaign)
    return campaign


def test_an_email_campaign_goes_out_whole_and_a_550_bounces_the_next_one(account, api):
    # given: three reachable contacts, one the server refuses, one who opted out before
    names = ["Ann", "Bob", "Cy", "Gone"]
    contacts = {n: ContactFactory(account=account, first_name=n) for n in names}
    ContactFactory(account=account, first_name="Out", email_opted_out_at=timezone.now())
    gone = contacts["Gone"]
    with SmtpServer(refuse={gone.email}) as server:
        sender = email_sender(account, server)
        # when
        first = _send_campaign(api, sender, "Spring")
        first_mails = server.mails
        second = _send_campaign(api, sender, "Summer")
        every_mail = server.mails
    second_mails = every_mail[len(first_mails) :]

    # then: every message of the first campaign is complete
    reached = {contacts[n].email for n in ("Ann", "Bob", "Cy")}
    assert {m.rcpt_to[0] for m in first_mails} == reached
    for mail in first_mails:
        message = parsed(mail)
        assert_campaign_email(message, base_url=BASE, domain="campaigns.example.com")
        name = next(n for n in names if contacts[n].email == mail.rcpt_to[0])
        assert message["Subject"] == f"{name}, the <sale> is on"
        text, html = parts(message)
        # the link is tracked: the recipient's own /r/ link to the sale, in both parts
        assert text.startswith(f"Hi {name},\n\nthe sale is on: {BASE}/r/")
        tracked = text.split("the sale is on: ", 1)[1].split()[0]
        link_id, recipient_id = token_read(tracked.rsplit("/", 1)[1])
        assert TrackedLink.objects.get(pk=link_id).url == "https://shop.example/sale"
        assert Recipient.objects.get(pk=recipient_id).contact.email == mail.rcpt_to[0]
        assert f"<p>Hi {name},</p>" in html
        assert f'<a href="{tracked}">' in html
        assert message["X-Campaign-Callback"].startswith("recipient:")
        assert unsubscribe_url(message).startswith(f"{BASE}/unsubscribe/email/")
    # the refused address failed permanently, and its contact is marked bounced
    refused = Recipient.objects.get(campaign=first, contact=gone)
    assert (refused.status, refused.error_code) == (Recipient.Status.FAILED, "smtp_550")
    gone.refresh_from_db()
    assert gone.email_bounced_at is not None
    assert "550" in gone.email_bounce_reason
    assert (first.status, first.total_sent, first.total_failed) == (Campaign.Status.COMPLETED, 3, 1)
    # the next campaign neither sends to it nor counts it
    assert {m.rcpt_to[0] for m in second_mails} == reached
    assert not Recipient.objects.filter(campaign=second, contact=gone).exists()
    assert (second.status, second.total_recipients, second.total_failed) == (
        Campaign.Status.COMPLETED,
        3,
        0,
    )
