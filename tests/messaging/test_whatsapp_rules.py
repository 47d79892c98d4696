"""validate_campaign refuses what WhatsApp would refuse, and says why, with the field path
(``POST /api/campaigns/{id}/validate``, the wizard's review and publish share it)."""

import pytest

from campaigns.models import Campaign
from messaging.models import Sender
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    MessageTemplateFactory,
    SenderFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db
T = Campaign.MessageType


def _reply(text, value=""):
    return {"type": "quickreply", "text": text, "value": value}


URL = {"type": "url", "text": "Shop now", "value": "https://shop.example.com"}
CALL = {"type": "call", "text": "Call us", "value": "+14155550123"}


@pytest.fixture
def sender(account):
    return SenderFactory(account=account, channel=Sender.Channel.WHATSAPP)


def _problems(api, campaign) -> dict[str, str]:
    ContactFactory(account=campaign.account)  # a non-empty audience
    answer = api.post(f"/api/campaigns/{campaign.pk}/validate")
    assert answer.status_code == 200
    return {p["field"]: p["message"] for p in answer.json()["problems"]}


def _interactive(account, sender, **fields):
    fields.setdefault("message_content", "Want the deal?")
    return CampaignFactory(account=account, sender=sender, message_type=T.INTERACTIVE, **fields)


@pytest.mark.parametrize(
    ("fields", "path", "words"),
    [
        ({"buttons": [CALL]}, "message.buttons.0.type", "call buttons only in approved templates"),
        (
            {"buttons": [URL, _reply("Yes")]},
            "message.buttons",
            "cannot show a URL button and reply",
        ),
        ({"buttons": [URL, dict(URL, text="Other")]}, "message.buttons", "only one URL button"),
        ({"buttons": [_reply("Yes"), _reply("yes")]}, "message.buttons.1.text", "labelled"),
        (
            {"buttons": [_reply("Yes", "go"), _reply("Sure", "go")]},
            "message.buttons.1.value",
            "give each its own value",
        ),
        ({"buttons": [_reply("x" * 21)]}, "message.buttons.0.text", "at most 20 characters"),
        ({"buttons": [_reply("Yes", "v" * 257)]}, "message.buttons.0.value", "256"),
        (
            {"buttons": [_reply("Yes")], "message_content": "x" * 1025},
            "message.content",
            "at most 1,024 characters",
        ),
        (
            {"buttons": [_reply("Yes")], "media_urls": ["https://cdn.example.com/jingle.mp3"]},
            "message.mediaUrls.0",
            "not audio",
        ),
    ],
)
def test_interactive_messages_whatsapp_refuses_are_refused(
    api, account, sender, fields, path, words
):
    campaign = _interactive(account, sender, **fields)
    problems = _problems(api, campaign)
    assert path in problems, problems
    assert words in problems[path]


def test_a_text_with_buttons_is_held_to_the_interactive_rules(api, account, sender):
    campaign = CampaignFactory(account=account, sender=sender, buttons=[CALL])
    assert "message.buttons.0.type" in _problems(api, campaign)


def test_valid_interactive_messages_pass(api, account, sender):
    replies = _interactive(
        account, sender, buttons=[_reply("Yes", "yes"), _reply("Not interested", "stop")]
    )
    link = _interactive(
        account, sender, buttons=[URL], media_urls=["https://cdn.example.com/a.png"]
    )
    assert _problems(api, replies) == {}
    assert _problems(api, link) == {}


def test_an_audio_message_with_a_caption_is_refused(api, account, sender):
    campaign = CampaignFactory(
        account=account,
        sender=sender,
        message_type=T.MEDIA,
        message_content="Listen",
        media_urls=["https://cdn.example.com/jingle.mp3"],
    )
    assert "without a caption" in _problems(api, campaign)["message.content"]


def test_the_rules_hold_for_each_ab_variant(api, account, sender):
    campaign = CampaignFactory(account=account, sender=sender, type=Campaign.Type.AB_TEST)
    VariantFactory(campaign=campaign, key="A", split_percentage=50)
    VariantFactory(
        campaign=campaign,
        key="B",
        split_percentage=50,
        message={"type": "interactive", "content": "Deal?", "buttons": [CALL]},
    )
    assert "abTest.variants.1.message.buttons.0.type" in _problems(api, campaign)


def test_whatsapp_rules_do_not_apply_to_an_sms_sender(api, account):
    sms = SenderFactory(account=account, channel=Sender.Channel.SMS)
    campaign = CampaignFactory(account=account, sender=sms, buttons=[CALL])
    assert not any(path.startswith("message.buttons") for path in _problems(api, campaign))


SALE = {
    "body": "Hi {{1}}, {{2}} off until {{3}}.",
    "variables": [{"name": n, "example": "x"} for n in ("1", "2", "3")],
}


def _template_campaign(account, sender, template_fields, personalization, **fields):
    template = MessageTemplateFactory(account=account, **template_fields)
    return CampaignFactory(
        account=account,
        sender=sender,
        message_type=T.TEMPLATE,
        template=template,
        message_content=template.body,
        personalization=personalization,
        **fields,
    )


def test_a_template_parameter_without_source_or_fallback_is_refused(api, account, sender):
    # given {{1}} mapped to a field, {{2}} to empty fixed text, {{3}} not mapped at all
    campaign = _template_campaign(
        account,
        sender,
        SALE,
        {
            "variables": {
                "1": {"source": "field", "value": "first_name"},
                "2": {"source": "text", "value": ""},
            }
        },
    )
    problems = _problems(api, campaign)
    # then the two without a value are named, on the personalization step's paths
    assert set(problems) >= {
        "message.personalization.variables.2",
        "message.personalization.variables.3",
    }
    assert "message.personalization.variables.1" not in problems
    assert problems["message.personalization.variables.3"].startswith(
        "The template's {{3}} (body) has no value"
    )


def test_a_fallback_alone_is_enough(api, account, sender):
    mapping = {"variables": {n: {"source": "text", "value": "", "fallback": "soon"} for n in "123"}}
    campaign = _template_campaign(account, sender, SALE, mapping)
    assert not any("personalization" in path for path in _problems(api, campaign))


def test_a_dynamic_url_button_needs_its_value_too(api, account, sender):
    template = {
        "body": "Your order is on its way.",
        "buttons": [{"type": "url", "text": "Track", "value": "https://shop.example.com/t/{{1}}"}],
        "variables": [{"name": "1", "example": "A-1"}],
    }
    problems = _problems(api, _template_campaign(account, sender, template, {}))
    assert "the end of button 1's URL" in problems["message.personalization.variables.button_1_url"]


def test_a_media_header_needs_its_media_of_the_right_kind(api, account, sender):
    template = {"header_type": "image", "header_media_url": "", "body": "Hello", "variables": []}
    without = _template_campaign(account, sender, template, {})
    wrong = _template_campaign(
        account, sender, template, {}, media_urls=["https://cdn.example.com/menu.pdf"]
    )
    assert "add the image" in _problems(api, without)["message.mediaUrls"]
    assert "this file is a document" in _problems(api, wrong)["message.mediaUrls.0"]


def test_conditional_paragraphs_cannot_ride_on_a_template(api, account, sender):
    blocks = [{"field": "attribute:vip", "operator": "exists", "value": "", "text": "VIP!"}]
    campaign = _template_campaign(
        account,
        sender,
        {"body": "Hello", "variables": []},
        {"variables": {}, "blocks": blocks},
    )
    assert "message.personalization.blocks" in _problems(api, campaign)


def test_publish_refuses_with_the_reason(api, account, sender):
    campaign = _interactive(account, sender, buttons=[URL, _reply("Yes")])
    ContactFactory(account=account)
    answer = api.post(f"/api/campaigns/{campaign.pk}/publish")
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert "message.buttons" in fields
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
