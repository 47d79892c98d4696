"""Links leave tracked: the pipeline sends each recipient its own /r/<token> URLs (WhatsApp
requests still valid against Meta's description, SMS short, e-mail with the unsubscribe link
untouched), one TrackedLink per destination; tracking off, no public address, previews and
test sends keep the links as written."""

import pytest
from django.utils import timezone

from campaigns.models import Campaign, TestContact
from campaigns.services.test_send import campaign_test_send
from delivery.link_tokens import token_read
from delivery.models import Recipient, TrackedLink
from messaging.models import SandboxMessage, Sender
from tests.delivery.helpers import drain, statuses
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    MessageTemplateFactory,
    SenderFactory,
    VariantFactory,
)
from tests.messaging.meta_request_schema import assert_valid_request
from tests.messaging.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db
BASE = "https://go.example.com"
T = Campaign.MessageType


@pytest.fixture
def public_base(settings):
    settings.PUBLIC_BASE_URL = BASE
    return settings


def _running(account, sender, contacts, **fields) -> Campaign:
    campaign = CampaignFactory(
        account=account,
        sender=sender,
        status=Campaign.Status.RUNNING,
        started_at=timezone.now(),
        prepared_at=timezone.now(),
        **fields,
    )
    Recipient.objects.bulk_create(
        [Recipient(account=account, campaign=campaign, contact=c) for c in contacts]
    )
    Campaign.objects.filter(pk=campaign.pk).update(total_recipients=len(contacts))
    campaign.refresh_from_db()
    return campaign


def _sent(provider, campaign) -> dict[int, dict]:
    """Each recipient's request body, by recipient id, checked against Meta's description."""
    ids = {f"recipient:{r.pk}": r.pk for r in campaign.recipients.all()}
    bodies = {ids[r.callback_data]: r.json for r in provider.requests if r.callback_data in ids}
    for body in bodies.values():
        assert_valid_request(body)
    return bodies


def _destination(tracked_url: str, recipient_id: int) -> str:
    """The destination a tracked URL leads to, checking that it is this recipient's."""
    assert tracked_url.startswith(f"{BASE}/r/"), tracked_url
    link_id, rid = token_read(tracked_url.removeprefix(f"{BASE}/r/"))
    assert rid == recipient_id
    return TrackedLink.objects.get(pk=link_id).url


def test_a_whatsapp_text_goes_out_with_a_tracked_link_per_recipient(
    account, whatsapp_sender, provider, public_base
):
    people = [ContactFactory(account=account, first_name=n) for n in ("Ada", "Grace")]
    campaign = _running(
        account,
        whatsapp_sender,
        people,
        message_content="Hi {{first_name}}, see https://shop.example.com/sale?ref=wa.",
        utm_source="whatsapp",
        utm_campaign="spring sale",
    )

    drain(campaign)

    assert statuses(campaign) == {"sent": 2}
    sent = _sent(provider, campaign)
    tokens = set()
    for recipient_id, body in sent.items():
        text = body["text"]["body"]
        assert text.endswith(".")
        assert "shop.example.com" not in text
        url = text.split("see ", 1)[1].rstrip(".")
        tokens.add(url)
        assert _destination(url, recipient_id) == (
            "https://shop.example.com/sale?ref=wa&utm_source=whatsapp&utm_campaign=spring%20sale"
        )
        assert len(url.removeprefix(f"{BASE}/r/")) <= 16  # short enough for an SMS
    assert len(tokens) == 2  # one per recipient
    assert TrackedLink.objects.filter(campaign=campaign).count() == 1  # one per destination


def test_a_url_button_and_a_template_url_button_are_tracked_and_stay_valid_requests(
    account, whatsapp_sender, provider, public_base
):
    ada = ContactFactory(account=account, first_name="Ada", attributes={"page": "sale"})
    interactive = _running(
        account,
        whatsapp_sender,
        [ada],
        message_type=T.INTERACTIVE,
        message_content="The sale is on",
        buttons=[{"type": "url", "text": "Shop now", "value": "https://shop.example.com"}],
    )
    template = MessageTemplateFactory(
        account=account,
        header_type="image",
        header_media_url="https://cdn.example.com/banner.png",
        body="Hi {{1}}, the sale is on.",
        buttons=[{"type": "url", "text": "Shop", "value": f"{BASE}/r/{{{{1}}}}"}],
        variables=[{"name": "1", "example": "Ada"}],
    )
    templated = _running(
        account,
        whatsapp_sender,
        [ada],
        message_type=T.TEMPLATE,
        template=template,
        message_content=template.body,
        personalization={
            "variables": {
                "1": {"source": "field", "value": "first_name"},
                "button_1_url": {"source": "text", "value": "https://shop.example.com/{{page}}"},
            }
        },
    )

    drain(interactive)
    drain(templated)

    recipient = interactive.recipients.get()
    action = _sent(provider, interactive)[recipient.pk]["interactive"]["action"]
    assert action["name"] == "cta_url"
    assert action["parameters"]["display_text"] == "Shop now"
    assert _destination(action["parameters"]["url"], recipient.pk) == "https://shop.example.com"
    assert TrackedLink.objects.get(campaign=interactive).label == "Shop now"

    recipient = templated.recipients.get()
    body = _sent(provider, templated)[recipient.pk]["template"]
    button = next(c for c in body["components"] if c["type"] == "button")
    token = button["parameters"][0]["text"]
    assert _destination(f"{BASE}/r/{token}", recipient.pk).startswith("https://shop.example.com/")
    header = next(c for c in body["components"] if c["type"] == "header")
    assert header["parameters"][0]["image"]["link"] == "https://cdn.example.com/banner.png"


def test_each_variant_has_its_own_links(account, whatsapp_sender, provider, public_base):
    people = [ContactFactory(account=account) for _ in range(2)]
    campaign = _running(
        account, whatsapp_sender, people, message_content="See https://shop.example.com/a"
    )
    variant = VariantFactory(
        campaign=campaign, key="B", message={"content": "See https://shop.example.com/a"}
    )
    Recipient.objects.filter(pk=campaign.recipients.first().pk).update(variant=variant)

    drain(campaign)

    assert statuses(campaign) == {"sent": 2}
    links = TrackedLink.objects.filter(campaign=campaign)
    assert sorted((link.variant_id or 0) for link in links) == [0, variant.pk]


def test_the_sandbox_records_tracked_links_and_tracking_off_keeps_them(account, public_base):
    sender = SenderFactory(account=account, rate_limit_per_second=0)
    contact = ContactFactory(account=account)
    tracked = _running(account, sender, [contact], message_content="Go https://shop.example.com/x")
    untracked = _running(
        account,
        sender,
        [contact],
        message_content="Go https://shop.example.com/x",
        track_links=False,
        utm_medium="chat",
    )

    drain(tracked)
    drain(untracked)

    by_recipient = {m.recipient_id: m.body for m in SandboxMessage.objects.all()}
    tracked_text = str(by_recipient[tracked.recipients.get().pk])
    assert f"{BASE}/r/" in tracked_text
    assert "shop.example.com" not in tracked_text
    untracked_text = str(by_recipient[untracked.recipients.get().pk])
    assert "https://shop.example.com/x?utm_medium=chat" in untracked_text
    assert not TrackedLink.objects.filter(campaign=untracked).exists()


def test_without_a_public_address_links_go_out_as_written(account, settings):
    settings.PUBLIC_BASE_URL = ""
    sender = SenderFactory(account=account, rate_limit_per_second=0)
    campaign = _running(
        account, sender, [ContactFactory(account=account)], message_content="https://a.example/x"
    )
    drain(campaign)
    assert "https://a.example/x" in str(SandboxMessage.objects.get().body)
    assert not TrackedLink.objects.exists()


def test_an_email_links_to_tracked_urls_and_its_unsubscribe_link_is_untouched(account, public_base):
    contact = ContactFactory(account=account, email="ada@example.org")
    with SmtpServer() as server:
        sender = SenderFactory(
            account=account,
            channel=Sender.Channel.EMAIL,
            api_base_url=f"smtp://mailer@127.0.0.1:{server.port}",
            from_address="Acme <news@acme.example>",
            rate_limit_per_second=0,
        )
        campaign = _running(
            account,
            sender,
            [contact],
            subject="Sale",
            message_content="The sale: https://shop.example.com/sale",
        )
        drain(campaign)
        (mail,) = server.mails
    recipient = campaign.recipients.get()
    text, html = (part.get_payload(decode=True).decode() for part in mail.message.get_payload())
    url = text.split("The sale: ", 1)[1].split()[0]
    assert _destination(url, recipient.pk) == "https://shop.example.com/sale"
    assert f'href="{url}"' in html
    assert f"{BASE}/unsubscribe/" in html
    assert f"{BASE}/unsubscribe/" in text
    assert mail.message["List-Unsubscribe"].strip().startswith(f"<{BASE}/unsubscribe/")
    assert TrackedLink.objects.filter(campaign=campaign).count() == 1


def test_a_test_send_keeps_the_links_as_written(account, public_base):
    sender = SenderFactory(account=account, rate_limit_per_second=0)
    contact = ContactFactory(account=account)
    TestContact.objects.create(account=account, contact=contact)
    draft = CampaignFactory(
        account=account, sender=sender, message_content="See https://shop.example.com/x"
    )

    campaign_test_send(campaign=draft)

    assert "https://shop.example.com/x" in str(SandboxMessage.objects.get().body)
    assert not TrackedLink.objects.exists()


def test_staff_see_the_tracked_links_read_only(admin_client, account, public_base):
    sender = SenderFactory(account=account, rate_limit_per_second=0)
    campaign = _running(
        account, sender, [ContactFactory(account=account)], message_content="https://a.example/x"
    )
    drain(campaign)
    tracked = TrackedLink.objects.get(campaign=campaign)

    listing = admin_client.get("/admin/delivery/trackedlink/")
    page = admin_client.get(f"/admin/delivery/trackedlink/{tracked.pk}/change/")

    assert listing.status_code == 200
    assert b"https://a.example/x" in listing.content
    assert page.status_code == 200
    assert admin_client.get("/admin/delivery/trackedlink/add/").status_code == 403


def test_a_template_with_a_tracked_button_needs_tracking_on(account, public_base):
    from campaigns.validation import validate_campaign

    template = MessageTemplateFactory(
        account=account,
        body="Hi",
        buttons=[{"type": "url", "text": "Shop", "value": f"{BASE}/r/{{{{1}}}}"}],
    )
    campaign = CampaignFactory(
        account=account,
        message_type=T.TEMPLATE,
        template=template,
        message_content="Hi",
        track_links=False,
    )
    problems = {p.field: p.message for p in validate_campaign(campaign=campaign).problems}
    assert "turn link tracking on" in problems["trackLinks"]

    campaign.track_links = True
    problems = {p.field for p in validate_campaign(campaign=campaign).problems}
    assert "trackLinks" not in problems
