"""What a contact reads is the same in previews, test sends and the send pipeline."""

import pytest

from campaigns.models import Campaign
from campaigns.services.personalization import message_render, personalization_text
from delivery.models import Recipient
from delivery.send import Renderer
from tests.factories import CampaignFactory, ContactFactory, MessageTemplateFactory

pytestmark = pytest.mark.django_db

MAPPING = {
    "variables": {
        "1": {"source": "field", "value": "first_name", "fallback": "friend"},
        "2": {"source": "attribute", "value": "city", "fallback": "your town"},
        "3": {"source": "text", "value": "SPRING24", "fallback": ""},
    },
    "blocks": [
        {"field": "attribute:vip", "operator": "eq", "value": "true", "text": "VIP early access!"}
    ],
}


def _recipient(campaign, contact):
    return Recipient.objects.create(account=campaign.account, campaign=campaign, contact=contact)


def test_mapping_fallbacks_and_conditional_block(account):
    campaign = CampaignFactory(
        account=account,
        message_content="Hi {{1}} in {{2}}, code {{3}}.",
        personalization=MAPPING,
    )
    vip = ContactFactory(
        account=account, first_name="Ada", attributes={"city": "Lyon", "vip": True}
    )
    plain = ContactFactory(account=account, first_name="", attributes={})
    assert message_render(campaign=campaign, contact=vip) == (
        "Hi Ada in Lyon, code SPRING24.\n\nVIP early access!"
    )
    assert message_render(campaign=campaign, contact=plain) == (
        "Hi friend in your town, code SPRING24."
    )


def test_the_pipeline_renders_exactly_what_the_preview_shows(account):
    campaign = CampaignFactory(
        account=account, message_content="Hi {{1}} in {{2}}.", personalization=MAPPING
    )
    contact = ContactFactory(account=account, first_name="", attributes={"city": "Lyon"})
    outbound = Renderer(campaign).render(_recipient(campaign, contact))
    assert outbound.text == message_render(campaign=campaign, contact=contact)
    assert outbound.callback_data.startswith("recipient:")


def test_template_parameters_follow_the_variable_mapping(account):
    template = MessageTemplateFactory(
        account=account,
        body="Hi {{1}}, welcome to {{2}}",
        variables=[{"name": "1", "example": "Ada"}, {"name": "2", "example": "Paris"}],
    )
    campaign = CampaignFactory(
        account=account,
        message_type=Campaign.MessageType.TEMPLATE,
        template=template,
        message_content=template.body,
        personalization=MAPPING,
    )
    contact = ContactFactory(account=account, first_name="Grace", attributes={"city": "Oslo"})
    outbound = Renderer(campaign).render(_recipient(campaign, contact))
    assert outbound.template["name"] == template.name
    assert outbound.template["body"] == [
        {"name": "1", "text": "Grace"},
        {"name": "2", "text": "Oslo"},
    ]


def test_html_in_user_text_stays_text():
    text = personalization_text("<b>{{first_name}}</b>", {"blocks": []})
    assert text == "<b>{{first_name}}</b>"


def test_preview_page_escapes_html_in_the_message(account, wclient):
    campaign = CampaignFactory(account=account, message_content="<script>alert(1)</script> hi")
    ContactFactory(account=account)
    html = wclient.get(f"/dashboard/campaigns/{campaign.pk}/preview/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; hi" in html
