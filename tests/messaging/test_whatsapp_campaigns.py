"""Done when: a campaign of each WhatsApp message kind goes out through the real pipeline to
the loopback stand-in, and every captured request validates against Meta's official
description; a test send of a template campaign sends what the pipeline sends."""

import pytest
from django.utils import timezone

from campaigns.models import Campaign, TestContact
from delivery.models import Recipient
from tests.delivery.helpers import drain, statuses
from tests.factories import CampaignFactory, ContactFactory, MessageTemplateFactory
from tests.messaging.meta_request_schema import assert_valid_request

pytestmark = pytest.mark.django_db
T = Campaign.MessageType

SPRING_SALE = {
    "name": "spring_sale",
    "language": "en_US",
    "header_type": "image",
    "header_media_url": "https://cdn.example.com/banner.png",
    "body": "Hi {{1}}, {{2}} off everything until Sunday.",
    "footer": "Reply STOP to unsubscribe",
    "buttons": [
        {"type": "url", "text": "Shop now", "value": "https://shop.example.com/o/{{1}}"},
        {"type": "quickreply", "text": "Not interested", "value": "stop"},
        {"type": "call", "text": "Call us", "value": "+14155550123"},
    ],
    "variables": [{"name": "1", "example": "Ada"}, {"name": "2", "example": "20%"}],
}
SPRING_SALE_MAPPING = {
    "variables": {
        "1": {"source": "field", "value": "first_name", "fallback": "there"},
        "2": {"source": "text", "value": "20%"},
        "button_1_url": {"source": "attribute", "value": "order"},
    }
}
ORDER_SHIPPED = {
    "name": "order_shipped",
    "language": "en",
    "header_type": "video",
    "header_media_url": "https://cdn.example.com/how-to.mp4",
    "body": "Hi {{first_name}}, your order {{order_id}} is on its way to {{city}}.",
    "buttons": [{"type": "url", "text": "Track it", "value": "https://shop.example.com/t/{{1}}"}],
    "variables": [
        {"name": "first_name", "example": "Ada"},
        {"name": "order_id", "example": "A-1"},
        {"name": "city", "example": "Lyon"},
    ],
}
ORDER_SHIPPED_MAPPING = {
    "variables": {
        "order_id": {"source": "attribute", "value": "order"},
        "city": {"source": "attribute", "value": "city", "fallback": "you"},
        "button_1_url": {"source": "attribute", "value": "order"},
    }
}


@pytest.fixture
def people(account):
    return {
        "ada": ContactFactory(
            account=account, first_name="Ada", attributes={"order": "A-1", "city": "Lyon"}
        ),
        "grace": ContactFactory(account=account, first_name="", attributes={"order": "B 2"}),
    }


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


def _sent(provider, campaign) -> dict:
    """What the stand-in received for each recipient of ``campaign``, by contact."""
    recipients = {f"recipient:{r.pk}": r.contact_id for r in campaign.recipients.all()}
    bodies = {
        recipients[r.callback_data]: r.json
        for r in provider.requests
        if r.callback_data in recipients
    }
    for body in bodies.values():
        assert_valid_request(body)
    return bodies


def _template_campaign(account, sender, contacts, template: dict, mapping: dict) -> Campaign:
    template = MessageTemplateFactory(account=account, **template)
    return _running(
        account,
        sender,
        contacts,
        message_type=T.TEMPLATE,
        template=template,
        message_content=template.body,
        personalization=mapping,
    )


def test_a_text_campaign(account, whatsapp_sender, provider, people):
    campaign = _running(
        account,
        whatsapp_sender,
        people.values(),
        message_content="Hi {{first_name|friend}}, see https://shop.example.com",
    )
    drain(campaign)
    assert statuses(campaign) == {"sent": 2}
    sent = _sent(provider, campaign)
    assert sent[people["ada"].pk]["text"] == {
        "body": "Hi Ada, see https://shop.example.com",
        "preview_url": True,
    }
    assert sent[people["grace"].pk]["text"]["body"].startswith("Hi friend,")


def test_a_numbered_template_with_a_media_header_a_url_button_and_a_quick_reply(
    account, whatsapp_sender, provider, people
):
    # given the demo's spring sale template, mapped to the contact's name, fixed text and
    # an attribute
    campaign = _template_campaign(
        account, whatsapp_sender, people.values(), SPRING_SALE, SPRING_SALE_MAPPING
    )
    # when the pipeline sends it
    drain(campaign)
    # then each part is its own component, filled for the contact
    assert statuses(campaign) == {"sent": 2}
    sent = _sent(provider, campaign)
    assert sent[people["ada"].pk]["template"] == {
        "name": "spring_sale",
        "language": {"code": "en_US"},
        "components": [
            {
                "type": "header",
                "parameters": [
                    {"type": "image", "image": {"link": "https://cdn.example.com/banner.png"}}
                ],
            },
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "Ada"}, {"type": "text", "text": "20%"}],
            },
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": "A-1"}],
            },
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "1",
                "parameters": [{"type": "payload", "payload": "stop"}],
            },
        ],
    }
    # and the fallback and URL encoding apply to a contact without a name
    grace = sent[people["grace"].pk]["template"]["components"]
    assert grace[1]["parameters"][0] == {"type": "text", "text": "there"}
    assert grace[2]["parameters"] == [{"type": "text", "text": "B%202"}]


def test_a_named_template_with_a_video_header_and_a_url_button(
    account, whatsapp_sender, provider, people
):
    campaign = _template_campaign(
        account, whatsapp_sender, [people["ada"]], ORDER_SHIPPED, ORDER_SHIPPED_MAPPING
    )
    drain(campaign)
    assert statuses(campaign) == {"sent": 1}
    components = _sent(provider, campaign)[people["ada"].pk]["template"]["components"]
    assert components == [
        {
            "type": "header",
            "parameters": [
                {"type": "video", "video": {"link": "https://cdn.example.com/how-to.mp4"}}
            ],
        },
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "Ada", "parameter_name": "first_name"},
                {"type": "text", "text": "A-1", "parameter_name": "order_id"},
                {"type": "text", "text": "Lyon", "parameter_name": "city"},
            ],
        },
        {
            "type": "button",
            "sub_type": "url",
            "index": "0",
            "parameters": [{"type": "text", "text": "A-1"}],
        },
    ]


def test_a_template_parameter_without_a_value_fails_that_recipient_without_a_request(
    account, whatsapp_sender, provider, people
):
    # given a contact without the order the URL button needs, and no fallback for it
    nobody = ContactFactory(account=account, first_name="Bob", attributes={})
    campaign = _template_campaign(
        account, whatsapp_sender, [people["ada"], nobody], SPRING_SALE, SPRING_SALE_MAPPING
    )
    # when the pipeline sends it
    drain(campaign)
    # then the others go, and that one fails with the reason, never reaching WhatsApp
    assert statuses(campaign) == {"sent": 1, "failed": 1}
    failed = campaign.recipients.get(status=Recipient.Status.FAILED)
    assert failed.contact_id == nobody.pk
    assert failed.error_code == "missing_parameter"
    assert "{{button_1_url}} (the end of button 1's URL)" in failed.error_message
    assert [r.to for r in provider.requests] == [people["ada"].phone]


def test_a_media_campaign(account, whatsapp_sender, provider, people):
    campaign = _running(
        account,
        whatsapp_sender,
        [people["ada"]],
        message_type=T.MEDIA,
        message_content="Our menu, {{first_name}}",
        media_urls=["https://cdn.example.com/menu.pdf"],
    )
    drain(campaign)
    assert statuses(campaign) == {"sent": 1}
    assert _sent(provider, campaign)[people["ada"].pk]["document"] == {
        "link": "https://cdn.example.com/menu.pdf",
        "caption": "Our menu, Ada",
        "filename": "menu.pdf",
    }


# Slow: the second message to one user waits out WhatsApp's pair gap (6 s).
@pytest.mark.slow
def test_interactive_campaigns_with_reply_buttons_and_with_a_url_button(
    account, whatsapp_sender, provider, people
):
    replies = _running(
        account,
        whatsapp_sender,
        [people["ada"]],
        message_type=T.INTERACTIVE,
        message_content="Want early access, {{first_name}}?",
        media_urls=["https://cdn.example.com/teaser.png"],
        buttons=[
            {"type": "quickreply", "text": "Yes please", "value": "yes"},
            {"type": "quickreply", "text": "Not interested", "value": "stop"},
        ],
    )
    link = _running(
        account,
        whatsapp_sender,
        [people["ada"]],
        message_type=T.INTERACTIVE,
        message_content="The sale is on",
        buttons=[{"type": "url", "text": "Shop now", "value": "https://shop.example.com"}],
    )
    drain(replies)
    drain(link)
    assert statuses(replies) == statuses(link) == {"sent": 1}
    assert _sent(provider, replies)[people["ada"].pk]["interactive"] == {
        "type": "button",
        "header": {"type": "image", "image": {"link": "https://cdn.example.com/teaser.png"}},
        "body": {"text": "Want early access, Ada?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "yes", "title": "Yes please"}},
                {"type": "reply", "reply": {"id": "stop", "title": "Not interested"}},
            ]
        },
    }
    assert _sent(provider, link)[people["ada"].pk]["interactive"]["action"] == {
        "name": "cta_url",
        "parameters": {"display_text": "Shop now", "url": "https://shop.example.com"},
    }


def _draft_for_a_test_send(account, sender, contact) -> Campaign:
    """A draft of the spring sale template, with ``contact`` as the account's test contact."""
    template = MessageTemplateFactory(account=account, **SPRING_SALE)
    TestContact.objects.create(account=account, contact=contact)
    return CampaignFactory(
        account=account,
        sender=sender,
        message_type=T.TEMPLATE,
        template=template,
        message_content=template.body,
        personalization=SPRING_SALE_MAPPING,
    )


def _pipeline_sends(draft: Campaign, provider, contact) -> dict:
    """What the send pipeline sends ``contact`` for a running campaign of the draft's message."""
    campaign = _running(
        draft.account,
        draft.sender,
        [contact],
        message_type=T.TEMPLATE,
        template=draft.template,
        message_content=draft.message_content,
        personalization=draft.personalization,
    )
    drain(campaign)
    return _sent(provider, campaign)[contact.pk]


def test_the_api_test_send_of_a_template_sends_the_pipelines_components(
    account, api, whatsapp_sender, provider, people
):
    # given a draft template campaign and Ada as the account's test contact
    draft = _draft_for_a_test_send(account, whatsapp_sender, people["ada"])
    # when the API's test send runs
    answer = api.post(f"/api/campaigns/{draft.pk}/preview")
    # then it sent the template with every component, as the pipeline does for Ada
    assert answer.status_code == 200, answer.content
    assert answer.json()["sent"] == 1
    [test] = provider.requests
    assert_valid_request(test.json)
    assert test.json["template"] == _pipeline_sends(draft, provider, people["ada"])["template"]
    assert len(test.json["template"]["components"]) == 4
    # and the answer shows the text the contact reads
    assert answer.json()["results"][0]["text"].startswith("Hi Ada, 20% off everything")


def test_the_preview_page_shows_and_test_sends_what_the_pipeline_sends(
    account, logged_in_client, whatsapp_sender, provider, people
):
    draft = _draft_for_a_test_send(account, whatsapp_sender, people["ada"])
    # when the page's Send test is pressed
    page = logged_in_client.post(f"/dashboard/campaigns/{draft.pk}/test-send/", follow=True)
    # then the request is the pipeline's, and the page shows what Ada reads
    assert page.status_code == 200
    [test] = provider.requests
    assert test.json["template"] == _pipeline_sends(draft, provider, people["ada"])["template"]
    html = page.content.decode()
    assert "Hi Ada, 20% off everything until Sunday." in html
    # with the template's own buttons under it
    assert '<span class="bubble-button">Not interested</span>' in html
