"""At send time the adapter refuses an interactive message WhatsApp would refuse, without a
request, instead of sending it with some of its buttons dropped."""

import pytest

from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter

pytestmark = pytest.mark.django_db

CALL = {"type": "call", "text": "Call us", "value": "+14155550123"}
URL = {"type": "url", "text": "Shop now", "value": "https://shop.example.com"}
REPLY = {"type": "quickreply", "text": "Yes", "value": "yes"}


def _send(sender, buttons, media=()):
    message = OutboundMessage(
        recipient_id=1,
        callback_data="recipient:1",
        to_phone="+16505550001",
        type="interactive",
        text="Want the deal?",
        buttons=tuple(buttons),
        media_urls=tuple(media),
    )
    adapter = get_adapter(sender)
    try:
        return adapter.send(message)
    finally:
        adapter.close()


@pytest.mark.parametrize(
    ("buttons", "media", "reason"),
    [
        ([CALL], (), "Call buttons can only be sent in an approved template"),
        ([URL, REPLY], (), "either reply buttons or one URL button, not both"),
        ([URL, dict(URL, text="More")], (), "at most one URL button"),
        ([REPLY] * 4, (), "at most 3 reply buttons"),
        ([], (), "needs at least one button"),
        ([REPLY], ("https://cdn.example.com/jingle.mp3",), "an image, a video or a document"),
    ],
    ids=["only a call button", "url and reply", "two urls", "four replies", "none", "audio"],
)
def test_a_message_whatsapp_refuses_fails_without_a_request(
    whatsapp_sender, provider, buttons, media, reason
):
    result = _send(whatsapp_sender, buttons, media)
    assert not result.ok
    assert not result.transient
    assert result.error_code == "invalid_message"
    assert reason in result.error_message
    assert provider.requests == []


def test_a_reply_button_without_a_value_answers_its_label(whatsapp_sender, provider):
    _send(whatsapp_sender, [{"type": "quickreply", "text": "Stop", "value": ""}])
    [request] = provider.requests
    assert request.json["interactive"]["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "Stop", "title": "Stop"}}
    ]
