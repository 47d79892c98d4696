"""The WhatsApp Cloud API adapter against a real HTTP server on 127.0.0.1."""

import pytest

from messaging import ratelimit
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from messaging.providers.whatsapp import WhatsAppAdapter
from tests.messaging.provider_server import ProviderServer, whatsapp_error


def _message(i=1, **kw):
    data = {
        "recipient_id": i,
        "callback_data": f"recipient:{i}",
        "to_phone": f"+1650555{i:04d}",
        "text": "Hello Ada",
    }
    data.update(kw)
    return OutboundMessage(**data)


def test_text_message_is_posted_with_bearer_and_callback_data(whatsapp_sender, provider):
    # given
    adapter = get_adapter(whatsapp_sender)
    assert isinstance(adapter, WhatsAppAdapter)
    # when
    result = adapter.send(_message(7))
    adapter.close()
    # then
    assert result.ok
    assert result.provider_message_id.startswith("wamid.")
    [request] = provider.requests
    assert request.path == "/106540352242922/messages"
    assert request.headers["Authorization"] == "Bearer EAAG-token"
    assert request.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "+16505550007",
        "biz_opaque_callback_data": "recipient:7",
        "type": "text",
        "text": {"body": "Hello Ada", "preview_url": False},
    }
    assert result.provider_message_id == request.message_id


def test_template_with_body_parameters_and_header_media(whatsapp_sender, provider):
    # given
    message = _message(
        type="template",
        template={
            "name": "spring_sale",
            "language": "en_US",
            "parameter_format": "positional",
            "header": {"type": "image", "link": "https://cdn.example.com/banner.png"},
            "body": [{"name": "1", "text": "Ada"}, {"name": "2", "text": "20%"}],
            "buttons": [],
        },
    )
    # when
    with_adapter = get_adapter(whatsapp_sender)
    result = with_adapter.send(message)
    with_adapter.close()
    # then
    assert result.ok
    body = provider.requests[0].json
    assert body["type"] == "template"
    assert body["template"] == {
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
        ],
    }


def test_template_without_parameters_sends_no_components(whatsapp_sender, provider):
    adapter = get_adapter(whatsapp_sender)
    adapter.send(
        _message(
            type="template",
            template={"name": "t", "language": "fr", "header": None, "body": [], "buttons": []},
        )
    )
    adapter.close()
    assert provider.requests[0].json["template"] == {"name": "t", "language": {"code": "fr"}}


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://x.example/a.jpg", "image"),
        ("https://x.example/clip.mp4", "video"),
        ("https://x.example/menu.pdf?v=2", "document"),
    ],
)
def test_media_message_by_url_with_caption(whatsapp_sender, provider, url, kind):
    adapter = get_adapter(whatsapp_sender)
    result = adapter.send(_message(type="media", media_urls=(url,), text="Our menu"))
    adapter.close()
    assert result.ok
    body = provider.requests[0].json
    assert body["type"] == kind
    assert body[kind]["link"] == url
    assert body[kind]["caption"] == "Our menu"
    if kind == "document":
        assert body[kind]["filename"] == "menu.pdf"


def test_interactive_reply_buttons(whatsapp_sender, provider):
    buttons = (
        {"type": "quickreply", "text": "Yes please", "value": "yes"},
        {"type": "quickreply", "text": "No", "value": "no"},
    )
    adapter = get_adapter(whatsapp_sender)
    adapter.send(_message(type="interactive", text="Want the deal?", buttons=buttons))
    adapter.close()
    interactive = provider.requests[0].json["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": "Want the deal?"}
    assert interactive["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "yes", "title": "Yes please"}},
        {"type": "reply", "reply": {"id": "no", "title": "No"}},
    ]


def test_interactive_url_button_becomes_cta_url(whatsapp_sender, provider):
    buttons = ({"type": "url", "text": "Shop now", "value": "https://shop.example/sale"},)
    adapter = get_adapter(whatsapp_sender)
    adapter.send(_message(type="interactive", text="Sale!", buttons=buttons))
    adapter.close()
    interactive = provider.requests[0].json["interactive"]
    assert interactive["type"] == "cta_url"
    assert interactive["action"] == {
        "name": "cta_url",
        "parameters": {"display_text": "Shop now", "url": "https://shop.example/sale"},
    }


@pytest.mark.parametrize(
    ("status", "code", "transient", "throttled", "auth_failed"),
    [
        (429, 130429, True, True, False),
        (400, 131056, True, False, False),  # pair rate: this user only, not the sender
        (400, 80007, True, True, False),
        (503, 2, True, False, False),
        (500, None, True, False, False),
        (400, 131026, False, False, False),
        (404, 132001, False, False, False),
        (400, 100, False, False, False),
        (401, 190, False, False, True),
        (401, None, False, False, True),
    ],
)
def test_error_mapping(whatsapp_sender, provider, status, code, transient, throttled, auth_failed):
    # given
    body = whatsapp_error(code) if code is not None else {"unexpected": True}
    provider.queue_response(status, body)
    adapter = get_adapter(whatsapp_sender)
    # when
    result = adapter.send(_message())
    adapter.close()
    # then
    assert not result.ok
    assert result.error_code == (str(code) if code is not None else f"http_{status}")
    assert (result.transient, result.throttled, result.auth_failed) == (
        transient,
        throttled,
        auth_failed,
    )
    assert result.error_message


def test_throttled_result_carries_retry_after(whatsapp_sender, provider):
    provider.queue_response(429, whatsapp_error(130429), {"Retry-After": "2"})
    adapter = get_adapter(whatsapp_sender, rate_limited=False)
    result = adapter.send(_message())
    adapter.close()
    assert result.throttled
    assert result.retry_after == 2.0


def test_read_timeout_is_transient(whatsapp_sender, settings):
    # given: a provider that hangs longer than the client waits
    settings.PROVIDER_READ_TIMEOUT = 0.3
    with ProviderServer(hang=1.0, hang_seconds=1.5) as slow:
        whatsapp_sender.api_base_url = slow.url
        adapter = get_adapter(whatsapp_sender)
        # when
        result = adapter.send(_message())
        adapter.close()
    # then
    assert not result.ok
    assert result.transient
    assert result.error_code == "timeout"


def test_connection_refused_is_transient(whatsapp_sender):
    with ProviderServer() as gone:
        url = gone.url
    whatsapp_sender.api_base_url = url
    adapter = get_adapter(whatsapp_sender)
    result = adapter.send(_message())
    adapter.close()
    assert not result.ok
    assert result.transient
    assert result.error_code in {"connection_error", "timeout"}


def test_send_many_keeps_results_in_order(whatsapp_sender, provider):
    # given: every third number is undeliverable
    bad = {f"+1650555{i:04d}" for i in range(0, 60, 3)}
    provider.errors_for = {phone: (400, whatsapp_error(131026)) for phone in bad}
    messages = [_message(i) for i in range(60)]
    adapter = get_adapter(whatsapp_sender)
    # when
    results = adapter.send_many(messages)
    adapter.close()
    # then
    assert len(results) == 60
    by_id = {r.message_id: r.to for r in provider.requests if r.message_id}
    for message, result in zip(messages, results, strict=True):
        if message.to_phone in bad:
            assert not result.ok
            assert result.error_code == "131026"
        else:
            assert result.ok
            assert by_id[result.provider_message_id] == message.to_phone
    assert len(provider.requests) == 60


def test_message_without_phone_fails_without_a_request(whatsapp_sender, provider):
    adapter = get_adapter(whatsapp_sender)
    result = adapter.send(_message(to_phone=""))
    adapter.close()
    assert not result.ok
    assert not result.transient
    assert provider.requests == []


def test_pair_rate_refusal_retries_that_user_after_the_gap_and_leaves_the_sender_alone(
    whatsapp_sender, provider, settings
):
    # given: Meta refuses one message for the pair rate (131056)
    settings.WHATSAPP_PAIR_GAP_SECONDS = 6.0
    provider.queue_response(400, whatsapp_error(131056))
    adapter = get_adapter(whatsapp_sender)
    # when
    result = adapter.send(_message())
    adapter.close()
    # then: retried after the gap, and no throttling pause was put on the sender
    assert (result.transient, result.throttled, result.retry_after) == (True, False, 6.0)
    assert ratelimit.pause_remaining(whatsapp_sender.pk) == 0
