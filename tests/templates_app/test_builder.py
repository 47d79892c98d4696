"""The one message builder: what previews show is what the pipeline and the test send send."""

import pytest

from campaigns.models import Campaign, TestContact
from campaigns.services.personalization import message_builder, message_render
from campaigns.services.test_send import campaign_test_send
from campaigns.wizard.context import message_variables
from delivery.models import Recipient
from delivery.send import Renderer
from messaging.models import SandboxMessage
from templates_app.builder import MessageBuilder, MessageSource, ParameterMissing
from templates_app.preview import template_preview
from templates_app.structure import TemplateStructure
from tests.factories import CampaignFactory, ContactFactory, MessageTemplateFactory

pytestmark = pytest.mark.django_db
T = Campaign.MessageType


def _recipient(campaign, contact):
    return Recipient.objects.create(account=campaign.account, campaign=campaign, contact=contact)


def test_the_older_fallbacks_map_fills_the_preview_as_it_fills_the_send(account):
    # given a campaign whose fallback was written by an older writer (the API still shows it)
    campaign = CampaignFactory(
        account=account,
        message_content="Hi {{first_name}}!",
        personalization={"fallbacks": {"first_name": "friend"}},
    )
    contact = ContactFactory(account=account, first_name="")
    # then the preview, the pipeline and the test send's builder all read it
    assert message_render(campaign=campaign, contact=contact) == "Hi friend!"
    assert Renderer(campaign).render(_recipient(campaign, contact)).text == "Hi friend!"
    assert message_builder(campaign).build(contact).text == "Hi friend!"


def _template_campaign(account, **template):
    template = MessageTemplateFactory(account=account, **template)
    return CampaignFactory(
        account=account,
        message_type=T.TEMPLATE,
        template=template,
        message_content=template.body,
        personalization={"variables": {"1": {"source": "field", "value": "first_name"}}},
    )


def test_numbered_parameters_go_in_number_order_once_each(account):
    campaign = _template_campaign(
        account,
        body="{{2}} for {{1}}, yes {{1}}.",
        variables=[{"name": "1", "example": "a"}, {"name": "2", "example": "b"}],
    )
    campaign.personalization["variables"]["2"] = {"source": "text", "value": "A gift"}
    contact = ContactFactory(account=account, first_name="Ada")
    message = message_builder(campaign).build(contact)
    assert message.template["body"] == [
        {"name": "1", "text": "Ada"},
        {"name": "2", "text": "A gift"},
    ]
    assert message.text == "A gift for Ada, yes Ada."


def test_a_parameter_keeps_no_line_breaks_or_runs_of_spaces(account):
    # WhatsApp refuses a parameter with new lines, tabs or more than 4 spaces in a row
    campaign = _template_campaign(account, body="Hi {{1}}")
    contact = ContactFactory(account=account, first_name="Ada\n\tLove      lace")
    assert message_builder(campaign).build(contact).template["body"] == [
        {"name": "1", "text": "Ada Love lace"}
    ]


def test_an_empty_parameter_is_refused_before_the_send(account):
    campaign = _template_campaign(account, body="Hi {{1}}")
    contact = ContactFactory(account=account, first_name="")
    with pytest.raises(ParameterMissing) as refused:
        message_builder(campaign).build(contact)
    assert "{{1}} (body)" in refused.value.message


def test_the_campaigns_media_is_sent_in_the_templates_media_header(account):
    campaign = _template_campaign(
        account,
        header_type="image",
        header_media_url="https://cdn.example.com/example.png",
        body="Hi {{1}}",
    )
    campaign.media_urls = ["https://cdn.example.com/this-week.png"]
    message = message_builder(campaign).build(ContactFactory(account=account, first_name="Ada"))
    assert message.template["header"] == {
        "type": "image",
        "link": "https://cdn.example.com/this-week.png",
    }


def test_a_text_with_buttons_goes_as_an_interactive_message(account):
    campaign = CampaignFactory(
        account=account,
        message_content="Sale!",
        buttons=[{"type": "url", "text": "Shop", "value": "https://shop.example.com"}],
    )
    assert message_builder(campaign).build(ContactFactory(account=account)).type == "interactive"


def test_a_dynamic_url_is_its_own_parameter_listed_for_the_personalization_step(account):
    # given a numbered template whose URL ends with {{1}}, like WhatsApp's (not the body's {{1}})
    template = MessageTemplateFactory(
        account=account,
        body="Hi {{1}}, your order ships today.",
        buttons=[{"type": "url", "text": "Track", "value": "https://shop.example.com/t/{{1}}"}],
    )
    campaign = CampaignFactory(
        account=account,
        message_type=T.TEMPLATE,
        template=template,
        message_content=template.body,
        personalization={
            "variables": {
                "1": {"source": "field", "value": "first_name"},
                "button_1_url": {"source": "attribute", "value": "order"},
            }
        },
    )
    contact = ContactFactory(account=account, first_name="Ada", attributes={"order": "A/1 b"})
    # then the personalization step maps both, and each fills its own part
    assert message_variables(campaign) == ["1", "button_1_url"]
    message = message_builder(campaign).build(contact)
    assert message.template["body"] == [{"name": "1", "text": "Ada"}]
    assert message.template["buttons"] == [{"index": 0, "sub_type": "url", "text": "A/1%20b"}]
    # and the preview shows the address the button opens
    shown = message_builder(campaign).preview(contact)
    assert shown["buttons"][0]["value"] == "https://shop.example.com/t/A/1%20b"


def test_the_preview_page_lists_a_contact_whose_parameter_is_empty_with_the_reason(
    account, logged_in_client
):
    campaign = _template_campaign(account, body="Hi {{1}}")
    ContactFactory(account=account, first_name="")
    page = logged_in_client.get(f"/dashboard/campaigns/{campaign.pk}/preview/").content.decode()
    assert "No value for {{1}} (body)" in page


def test_the_test_send_skips_a_contact_whose_parameter_is_empty(account):
    # given a template campaign (its sender is the sandbox, which records what it is sent)
    campaign = _template_campaign(account, body="Hi {{1}}")
    TestContact.objects.create(
        account=account, contact=ContactFactory(account=account, first_name="")
    )
    # when the test send runs
    [result] = campaign_test_send(campaign=campaign)
    # then that contact gets the reason, and nothing was sent
    assert not result.ok
    assert "No value for {{1}} (body)" in result.error
    assert not SandboxMessage.objects.exists()


def test_the_template_editors_preview_is_built_from_the_examples():
    data = {
        "name": "order_ready",
        "language": "en",
        "header": {"type": "text", "text": "Hi {{first_name}}"},
        "body": "Order {{order_id}} is ready, {{first_name}}.",
        "footer": "Thanks",
        "buttons": [{"type": "quickreply", "text": "Thanks", "value": ""}],
        "variables": [{"name": "first_name", "example": "Ada"}],
    }
    shown = template_preview(data)
    assert shown["header"] == "Hi Ada"
    assert shown["body"] == "Order {{order_id}} is ready, Ada."
    assert shown["footer"] == "Thanks"


def test_the_structure_knows_named_from_numbered():
    named = TemplateStructure(name="a", language="en", body="Hi {{first_name}}")
    numbered = TemplateStructure(name="b", language="en", body="Hi {{1}}")
    contact_free = MessageBuilder(
        MessageSource(
            type="template",
            template=named,
            personalization={"variables": {"first_name": {"source": "text", "value": "Ada"}}},
        )
    ).build(None)
    assert named.named
    assert not numbered.named
    assert contact_free.template["parameter_format"] == "named"
