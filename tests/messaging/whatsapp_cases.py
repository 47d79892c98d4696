"""One table of WhatsApp messages, each written twice: as our builder's input, and as the
pywa SDK's call that sends the same message. The schema and SDK tests run through it.

pywa (``pip install pywa``, a test dependency) is an independent client of the Cloud API; it
is pointed at our loopback stand-in (``ProviderServer``) through its own ``httpx`` session, so
both requests are captured the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
from pywa import WhatsApp
from pywa import types as wa_types
from pywa.types import templates as wa_templates

from templates_app.builder import MessageSource
from templates_app.structure import TemplateStructure

PHONE = "+16505550007"
PHONE_NUMBER_ID = "106540352242922"
CALLBACK = "recipient:7"
GRAPH_VERSION = "23.0"
EN_US = wa_templates.TemplateLanguage.ENGLISH_US

CONTACT = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "phone": PHONE,
    "attributes": {"city": "Lyon", "order": "A-1"},
}


def pywa_client(server) -> WhatsApp:
    """A pywa client whose Graph API base URL is the loopback stand-in."""
    session = httpx.Client(timeout=5)
    client = WhatsApp(
        phone_id=PHONE_NUMBER_ID, token="EAAG-token", session=session, api_version=GRAPH_VERSION
    )
    # pywa sets https://graph.facebook.com/v{api_version} on the session it is given.
    session.base_url = f"{server.url}/v{GRAPH_VERSION}"
    return client


@dataclass(frozen=True)
class Case:
    name: str
    source: MessageSource
    pywa: Callable[[WhatsApp], object]


def _text(**kw) -> MessageSource:
    return MessageSource(type="text", **kw)


SPRING_SALE = TemplateStructure(
    name="spring_sale",
    language="en_US",
    header_type="image",
    header_media_url="https://cdn.example.com/banner.png",
    body="Hi {{1}}, {{2}} off everything until Sunday.",
    footer="Reply STOP to unsubscribe",
    buttons=(
        {"type": "url", "text": "Shop now", "value": "https://shop.example.com/o/{{1}}"},
        {"type": "quickreply", "text": "Not interested", "value": "stop"},
        {"type": "call", "text": "Call us", "value": "+14155550123"},
    ),
)
SPRING_SALE_MAPPING = {
    "variables": {
        "1": {"source": "field", "value": "first_name", "fallback": "there"},
        "2": {"source": "text", "value": "20%"},
        "button_1_url": {"source": "attribute", "value": "order"},
    }
}

ORDER_READY = TemplateStructure(
    name="order_ready",
    language="en_US",
    header_type="text",
    header_text="Good news, {{first_name}}",
    body="Hi {{first_name}}, your order {{order_id}} is ready in {{city}}.",
    buttons=({"type": "quickreply", "text": "Thanks"},),
)
ORDER_READY_MAPPING = {
    "variables": {
        "order_id": {"source": "attribute", "value": "order"},
        "city": {"source": "attribute", "value": "city"},
    }
}

MENU = TemplateStructure(
    name="weekly_menu",
    language="fr",
    header_type="document",
    header_media_url="https://cdn.example.com/files/menu.pdf",
    body="Voici le menu de la semaine.",
)

CASES = [
    Case(
        "text",
        _text(content="Hello {{first_name}}"),
        lambda wa: wa.send_message(PHONE, "Hello Ada", preview_url=False, tracker=CALLBACK),
    ),
    Case(
        "text with a link",
        _text(content="Our sale: https://shop.example.com"),
        lambda wa: wa.send_message(
            PHONE, "Our sale: https://shop.example.com", preview_url=True, tracker=CALLBACK
        ),
    ),
    Case(
        "image with caption",
        MessageSource(
            type="media", content="Hi {{first_name}}", media_urls=("https://x.example/a.jpg",)
        ),
        lambda wa: wa.send_image(
            PHONE, "https://x.example/a.jpg", caption="Hi Ada", tracker=CALLBACK
        ),
    ),
    Case(
        "video",
        MessageSource(type="media", content="Watch", media_urls=("https://x.example/clip.mp4",)),
        lambda wa: wa.send_video(
            PHONE, "https://x.example/clip.mp4", caption="Watch", tracker=CALLBACK
        ),
    ),
    Case(
        "document",
        MessageSource(type="media", content="Menu", media_urls=("https://x.example/menu.pdf",)),
        lambda wa: wa.send_document(
            PHONE,
            "https://x.example/menu.pdf",
            filename="menu.pdf",
            caption="Menu",
            tracker=CALLBACK,
        ),
    ),
    Case(
        "audio",
        MessageSource(type="media", media_urls=("https://x.example/jingle.mp3",)),
        lambda wa: wa.send_audio(PHONE, "https://x.example/jingle.mp3", tracker=CALLBACK),
    ),
    Case(
        "interactive reply buttons",
        MessageSource(
            type="interactive",
            content="Want the deal, {{first_name}}?",
            buttons=(
                {"type": "quickreply", "text": "Yes please", "value": "yes"},
                {"type": "quickreply", "text": "No thanks", "value": ""},
            ),
        ),
        lambda wa: wa.send_message(
            PHONE,
            "Want the deal, Ada?",
            buttons=[
                wa_types.Button(title="Yes please", callback_data="yes"),
                wa_types.Button(title="No thanks", callback_data="No thanks"),
            ],
            tracker=CALLBACK,
        ),
    ),
    Case(
        "interactive reply buttons under an image",
        MessageSource(
            type="interactive",
            content="Want the deal?",
            media_urls=("https://x.example/deal.png",),
            buttons=({"type": "quickreply", "text": "Stop", "value": "stop"},),
        ),
        lambda wa: wa.send_image(
            PHONE,
            "https://x.example/deal.png",
            caption="Want the deal?",
            buttons=[wa_types.Button(title="Stop", callback_data="stop")],
            tracker=CALLBACK,
        ),
    ),
    Case(
        "interactive cta_url",
        MessageSource(
            type="interactive",
            content="Sale!",
            buttons=({"type": "url", "text": "Shop now", "value": "https://shop.example/sale"},),
        ),
        lambda wa: wa.send_message(
            PHONE,
            "Sale!",
            buttons=wa_types.URLButton(title="Shop now", url="https://shop.example/sale"),
            tracker=CALLBACK,
        ),
    ),
    Case(
        "template: numbered, media header, dynamic URL button, quick-reply payload",
        MessageSource(type="template", template=SPRING_SALE, personalization=SPRING_SALE_MAPPING),
        lambda wa: wa.send_template(
            PHONE,
            "spring_sale",
            EN_US,
            params=[
                wa_templates.HeaderImage.params(image="https://cdn.example.com/banner.png"),
                wa_templates.BodyText.params("Ada", "20%"),
                wa_templates.URLButton.params(url_variable="A-1", index=0),
                wa_templates.QuickReplyButton.params(callback_data="stop", index=1),
            ],
            tracker=CALLBACK,
        ),
    ),
    Case(
        "template: named, text header, quick reply without a value",
        MessageSource(type="template", template=ORDER_READY, personalization=ORDER_READY_MAPPING),
        lambda wa: wa.send_template(
            PHONE,
            "order_ready",
            EN_US,
            params=[
                wa_templates.HeaderText.params(first_name="Ada"),
                wa_templates.BodyText.params(first_name="Ada", order_id="A-1", city="Lyon"),
                wa_templates.QuickReplyButton.params(callback_data="Thanks", index=0),
            ],
            tracker=CALLBACK,
        ),
    ),
    Case(
        "template: document header, no parameters",
        MessageSource(type="template", template=MENU),
        lambda wa: wa.send_template(
            PHONE,
            "weekly_menu",
            wa_templates.TemplateLanguage.FRENCH,
            params=[
                wa_templates.HeaderDocument.params(
                    document="https://cdn.example.com/files/menu.pdf", filename="menu.pdf"
                )
            ],
            tracker=CALLBACK,
        ),
    ),
]
CASE_IDS = [case.name for case in CASES]


def pywa_spelling(body: dict) -> dict:
    """``body`` with pywa's spellings changed to the ones Meta's description defines.

    pywa writes template component types and button sub-types in capitals ("BODY",
    "QUICK_REPLY") and the button index as a number; the API accepts both, and the description
    lists lower case and types the index as a string. Nothing else is changed.
    """
    template = body.get("template")
    if not isinstance(template, dict):
        return body
    components = []
    for component in template.get("components", []):
        component = dict(component)
        component["type"] = str(component["type"]).lower()
        if "sub_type" in component:
            component["sub_type"] = str(component["sub_type"]).lower()
        if "index" in component:
            component["index"] = str(component["index"])
        components.append(component)
    return {**body, "template": {**template, "components": components}}


def send_ours(case: Case, *, sender, provider, contact) -> dict:
    """Build ``case`` for ``contact`` with our builder, send it with our adapter, and answer
    the JSON the stand-in received."""
    from messaging.providers.registry import get_adapter
    from templates_app.builder import MessageBuilder

    message = MessageBuilder(case.source).build(contact, recipient_id=7, callback_data=CALLBACK)
    adapter = get_adapter(sender)
    try:
        result = adapter.send(message)
    finally:
        adapter.close()
    assert result.ok, result
    return provider.requests[-1].json


def send_pywa(case: Case, *, provider) -> dict:
    case.pywa(pywa_client(provider))
    return provider.requests[-1].json
