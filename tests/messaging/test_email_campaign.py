"""An e-mail campaign's subject, end to end (API, wizard, validation, test send, A/B
variants), and the rule that an e-mail campaign needs a public https address for its
unsubscribe links."""

import pytest

from campaigns.models import Campaign, TestContact
from campaigns.services.test_send import campaign_test_send
from delivery.models import Recipient
from delivery.send import Renderer
from messaging.models import Sender
from tests.factories import CampaignFactory, ContactFactory, SenderFactory, VariantFactory
from tests.messaging.email_support import email_sender, parsed, parts
from tests.messaging.smtp_server import SmtpServer
from tests.wizard.conftest import WizardDriver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_base(settings):
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"


@pytest.fixture
def mailbox(account):
    ContactFactory(account=account, first_name="Ann")
    return SenderFactory(account=account, channel=Sender.Channel.EMAIL, phone_number_id="news")


def _document(**message) -> dict:
    return {
        "name": "Newsletter",
        "phoneNumberId": "news",
        "message": {"type": "text", "content": "Hi {{first_name}}", **message},
    }


def _problems(api, campaign_id) -> dict:
    body = api.post(f"/api/campaigns/{campaign_id}/validate").json()
    return {p["field"]: p["message"] for p in body["problems"]}


def test_the_api_stores_and_answers_the_subject(api, mailbox):
    created = api.post(
        "/api/campaigns", _document(subject="  Hello {{first_name}}  "), "application/json"
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["message"]["subject"] == "Hello {{first_name}}"
    assert Campaign.objects.get(pk=body["id"]).subject == "Hello {{first_name}}"
    assert _problems(api, body["id"]) == {}


@pytest.mark.parametrize(
    ("subject", "expected"),
    [("Line one\nline two", "one line"), ("x" * 256, "255")],
)
def test_a_subject_on_two_lines_or_too_long_is_a_422(api, mailbox, subject, expected):
    response = api.post("/api/campaigns", _document(subject=subject), "application/json")

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == "message.subject" and expected in e["message"] for e in errors), errors
    assert not Campaign.objects.exists()


def test_an_email_campaign_without_a_subject_is_not_sent(api, mailbox):
    campaign_id = api.post("/api/campaigns", _document(), "application/json").json()["id"]

    assert _problems(api, campaign_id) == {"message.subject": "Write the e-mail's subject."}
    response = api.post(f"/api/campaigns/{campaign_id}/send")
    assert response.status_code == 422
    assert Campaign.objects.get(pk=campaign_id).status == Campaign.Status.DRAFT


def test_other_channels_need_no_subject(api, account):
    ContactFactory(account=account)
    SenderFactory(account=account, channel=Sender.Channel.WHATSAPP, phone_number_id="news")
    campaign_id = api.post("/api/campaigns", _document(), "application/json").json()["id"]
    assert _problems(api, campaign_id) == {}


def test_without_a_public_address_an_email_campaign_does_not_start(api, mailbox, settings):
    settings.PUBLIC_BASE_URL = ""
    campaign_id = api.post("/api/campaigns", _document(subject="Hi"), "application/json").json()[
        "id"
    ]

    problems = _problems(api, campaign_id)

    assert "PUBLIC_BASE_URL" in problems["phoneNumberId"]
    assert api.post(f"/api/campaigns/{campaign_id}/send").status_code == 422


def test_in_production_the_public_address_must_be_https(api, mailbox, settings):
    settings.PUBLIC_BASE_URL = "http://campaigns.example.com"
    settings.OUTBOUND_ALLOW_HTTP = False
    campaign_id = api.post("/api/campaigns", _document(subject="Hi"), "application/json").json()[
        "id"
    ]

    assert "https://" in _problems(api, campaign_id)["phoneNumberId"]


def test_the_wizard_asks_for_the_subject_of_an_email(client, user, account):
    client.force_login(user)
    new_wizard = WizardDriver(client, "/dashboard/campaigns/create/", "campaign_wizard_new")
    mailbox = SenderFactory(account=account, channel=Sender.Channel.EMAIL)
    ContactFactory(account=account)
    new_wizard.start()
    new_wizard.post("basics", {"name": "Mail", "type": "broadcast"})
    new_wizard.post("audience", {"audience_type": "all", "exclude_unsubscribed": "on"})
    fields = {"sender": mailbox.pk, "message_type": "text", "message_content": "Hi"}

    missing = new_wizard.post("message", fields)
    broken = new_wizard.post("message", {**fields, "subject": "Hi {{ first_name"})
    saved = new_wizard.post("message", {**fields, "subject": "Hi {{first_name}}"})

    assert missing.context["form"].errors["subject"] == ["An e-mail needs a subject."]
    assert "subject" in broken.context["form"].errors
    assert saved.status_code in (200, 302)
    assert Campaign.objects.get(name="Mail").subject == "Hi {{first_name}}"


def test_a_test_send_carries_the_rendered_subject_and_the_headers(account):
    ann = ContactFactory(account=account, first_name="Ann")
    TestContact.objects.create(account=account, contact=ann)
    with SmtpServer() as server:
        campaign = CampaignFactory(
            account=account,
            sender=email_sender(account, server),
            subject="For you, {{first_name}}",
            message_content="Hi {{first_name}} <3",
        )
        results = campaign_test_send(campaign=campaign)
        mails = server.mails
    assert [r.ok for r in results] == [True]
    message = parsed(mails[0])
    assert message["Subject"] == "For you, Ann"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert text.startswith("Hi Ann <3")
    assert "Hi Ann &lt;3" in html


def test_an_ab_variant_may_have_its_own_subject(account):
    campaign = CampaignFactory(account=account, subject="Campaign subject")
    a = VariantFactory(campaign=campaign, key="A", message={"type": "text", "content": "A"})
    b = VariantFactory(
        campaign=campaign, key="B", message={"type": "text", "content": "B", "subject": "B!"}
    )
    contact = ContactFactory(account=account)
    renderer = Renderer(campaign)

    subjects = [
        renderer.render(Recipient(pk=n, campaign=campaign, contact=contact, variant=v)).subject
        for n, v in ((1, a), (2, b))
    ]

    assert subjects == ["Campaign subject", "B!"]
