"""What WhatsApp would refuse in a message, said before anything is sent.

``validate_campaign`` (so publish, the API's validate and the wizard's review) and the wizard's
message step apply these rules; the builder and the WhatsApp adapter hold the same line at send
time, so a message that slipped past (data written around the guard) fails its recipients with
the reason instead of reaching WhatsApp half-built. Each problem is ``(field, message, step)``;
the field is the API's path below the message (``buttons.1.text``), or ``personalization…``.

Meta's rules for interactive messages: reply buttons (at most 3, titles up to 20 characters and
different from each other, ids up to 256) or one URL button (``cta_url``), never both; call
buttons only in templates; a body of at most 1,024 characters; a header that is an image, a
video or a document. A text message with buttons is sent as an interactive one (the only way
WhatsApp shows buttons under a text), so the same rules apply to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from templates_app.personalization import personalization_blocks, variable_source
from templates_app.structure import MEDIA_HEADERS, TemplateStructure

if TYPE_CHECKING:
    from campaigns.models import Campaign

INTERACTIVE_BODY_MAX = 1024
BUTTON_TITLE_MAX = 20
REPLY_ID_MAX = 256
CAPTION_MAX = 1024

Problem = tuple[str, str, str]


def _media_kind(url: str) -> str:
    from messaging.providers.whatsapp import media_kind

    return media_kind(url)


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _count(n: int) -> str:
    return f"{n:,}"


def interactive_problems(
    *, content: str, media_urls: Sequence[str] | None, buttons: Sequence[Any] | None
) -> list[Problem]:
    """(An empty text, or no button at all, are the campaign's own checks.)"""
    out: list[Problem] = []
    buttons = [b for b in buttons or [] if isinstance(b, dict)]
    text = (content or "").strip()
    if len(text) > INTERACTIVE_BODY_MAX:
        out.append(
            (
                "content",
                f"A message with buttons has at most {_count(INTERACTIVE_BODY_MAX)} characters "
                f"of text on WhatsApp; this one has {_count(len(text))}.",
                "message",
            )
        )
    kinds = [str(b.get("type") or "quickreply") for b in buttons]
    titles: dict[str, int] = {}
    ids: dict[str, int] = {}
    for i, (button, kind) in enumerate(zip(buttons, kinds, strict=True)):
        title = str(button.get("text") or "").strip()
        if kind == "call":
            out.append(
                (
                    f"buttons.{i}.type",
                    "WhatsApp sends call buttons only in approved templates: use a template "
                    "with this button, or remove it.",
                    "message",
                )
            )
        if not title:
            out.append((f"buttons.{i}.text", "Give the button a label.", "message"))
        elif len(title) > BUTTON_TITLE_MAX:
            out.append(
                (
                    f"buttons.{i}.text",
                    f"A button label has at most {BUTTON_TITLE_MAX} characters on WhatsApp; "
                    f"this one has {len(title)}.",
                    "message",
                )
            )
        if kind != "quickreply":
            continue
        if title and titles.setdefault(title.casefold(), i) != i:
            out.append(
                (
                    f"buttons.{i}.text",
                    f"Two reply buttons are labelled “{title}”: WhatsApp needs different labels.",
                    "message",
                )
            )
        reply_id = str(button.get("value") or title).strip()
        if len(reply_id) > REPLY_ID_MAX:
            out.append(
                (
                    f"buttons.{i}.value",
                    f"A reply button's value has at most {REPLY_ID_MAX} characters.",
                    "message",
                )
            )
        elif reply_id and ids.setdefault(reply_id, i) != i:
            out.append(
                (
                    f"buttons.{i}.value",
                    f"Two reply buttons answer “{reply_id}”: give each its own value.",
                    "message",
                )
            )
    urls, replies = kinds.count("url"), kinds.count("quickreply")
    if urls and replies:
        out.append(
            (
                "buttons",
                "WhatsApp cannot show a URL button and reply buttons in one message: keep the "
                "URL button alone or only reply buttons (an approved template can have both).",
                "message",
            )
        )
    elif urls > 1:
        out.append(("buttons", "A message can have only one URL button on WhatsApp.", "message"))
    media = [u for u in media_urls or [] if u]
    if len(media) > 1:
        out.append(
            (
                "mediaUrls",
                "A message with buttons carries one picture, video or document (above its text).",
                "message",
            )
        )
    elif media and _media_kind(media[0]) not in MEDIA_HEADERS:
        out.append(
            (
                "mediaUrls.0",
                "Above a message with buttons WhatsApp shows an image, a video or a document, "
                "not audio.",
                "message",
            )
        )
    return out


def media_problems(*, content: str, media_urls: Sequence[str] | None) -> list[Problem]:
    media = [u for u in media_urls or [] if u]
    text = (content or "").strip()
    if not media or not text:
        return []
    if _media_kind(media[0]) == "audio":
        return [
            (
                "content",
                "WhatsApp sends audio without a caption: remove the text, or send it in a "
                "message of its own.",
                "message",
            )
        ]
    if len(text) > CAPTION_MAX:
        return [
            (
                "content",
                f"A caption has at most {_count(CAPTION_MAX)} characters on WhatsApp; this one "
                f"has {_count(len(text))}.",
                "message",
            )
        ]
    return []


def template_problems(
    *,
    template: TemplateStructure,
    personalization: dict[str, Any] | None,
    media_urls: Sequence[str] | None,
) -> list[Problem]:
    """Every parameter needs a source or a fallback; a media header needs its media."""
    out: list[Problem] = []
    seen: set[str] = set()
    for parameter in template.parameters:
        if parameter.name in seen:
            continue
        seen.add(parameter.name)
        if not variable_source(parameter.name, personalization):
            out.append(
                (
                    f"personalization.variables.{parameter.name}",
                    f"The template's {parameter.label} has no value: map it to a contact field, "
                    "an attribute or fixed text, or give it a fallback.",
                    "personalization",
                )
            )
    if template.header_type in MEDIA_HEADERS:
        header = template.header_type
        media = [u for u in media_urls or [] if u]
        if not media and not template.header_media_url:
            out.append(
                (
                    "mediaUrls",
                    f"The template has {_a(header)} header: add the {header} to send with it.",
                    "message",
                )
            )
        elif media and (kind := _media_kind(media[0])) != header:
            out.append(
                (
                    "mediaUrls.0",
                    f"The template's header is {_a(header)}; this file is {_a(kind)}.",
                    "message",
                )
            )
    if personalization_blocks(personalization):
        out.append(
            (
                "personalization.blocks",
                "Conditional paragraphs cannot be added to an approved template: WhatsApp sends "
                "the template's own text. Use a text message for them, or remove them.",
                "personalization",
            )
        )
    return out


def message_problems(
    *,
    kind: str,
    content: str,
    media_urls: Sequence[str] | None,
    buttons: Sequence[Any] | None,
    template: TemplateStructure | None,
    personalization: dict[str, Any] | None,
) -> list[Problem]:
    """All of the above that apply to a message of ``kind`` (``template`` a structure)."""
    if kind == "template":
        if template is None:
            return []
        return template_problems(
            template=template, personalization=personalization, media_urls=media_urls
        )
    if kind == "interactive" or (kind == "text" and buttons):
        return interactive_problems(content=content, media_urls=media_urls, buttons=buttons)
    if kind == "media":
        return media_problems(content=content, media_urls=media_urls)
    return []


# WhatsApp's rules hold for WhatsApp senders and for the sandbox, which stands in for one.
WHATSAPP_CHANNELS = frozenset({"whatsapp", "sandbox"})


def campaign_message_problems(campaign: Campaign) -> list[Problem]:
    """The rules above for the campaign's message and each A/B variant's, with API paths."""
    from campaigns.services.personalization import message_source

    if campaign.sender is not None and campaign.sender.channel not in WHATSAPP_CHANNELS:
        return []
    messages = [("message", message_source(campaign))]
    if campaign.pk is not None:
        for i, variant in enumerate(campaign.variants.order_by("key")):
            messages.append(
                (f"abTest.variants.{i}.message", message_source(campaign, variant.message))
            )
    out: list[Problem] = []
    template_checked = False
    for prefix, source in messages:
        if source.type == "template":
            # One template and one mapping per campaign: report its problems once.
            if template_checked:
                continue
            template_checked = True
            prefix = "message"
        problems = message_problems(
            kind=source.type,
            content=source.content,
            media_urls=source.media_urls,
            buttons=source.buttons,
            template=source.template,
            personalization=source.personalization,
        )
        out += [(f"{prefix}.{field}", message, step) for field, message, step in problems]
    return out
