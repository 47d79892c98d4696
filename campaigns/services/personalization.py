"""A campaign's message, ready for ``templates_app.builder``: the one way it is built.

The send pipeline (``sending.Renderer``), the test send, the preview page and the wizard's
previews all take their builder from ``message_builder``, so what a marketer previews is
exactly what a contact receives. The variable mapping, fallbacks and conditional paragraphs
are read by ``templates_app.personalization``.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from audience.models import Contact
from campaigns.message_source import message_source
from campaigns.models import Campaign
from core.errors import ValidationFailed
from messaging.providers.base import OutboundMessage, ProviderResult
from templates_app.builder import MessageBuilder
from templates_app.links import LinkTracker
from templates_app.personalization import personalization_text

__all__ = [
    "message_builder",
    "message_render",
    "message_source",
    "messages_build_and_send",
    "personalization_text",
]

T = TypeVar("T")


def message_builder(
    campaign: Campaign,
    message: dict[str, Any] | None = None,
    *,
    tracker: LinkTracker | None = None,
) -> MessageBuilder:
    """``tracker`` rewrites links per recipient: the send path's, never a preview's."""
    return MessageBuilder(message_source(campaign, message), tracker=tracker)


def message_render(*, campaign: Campaign, contact: Contact, content: str | None = None) -> str:
    """The text ``contact`` reads (the campaign's message, or ``content`` in its place)."""
    message = None if content is None else {"content": content}
    return message_builder(campaign, message).build(contact).text


def messages_build_and_send(
    adapter: Any, items: Sequence[T], build: Callable[[T], OutboundMessage]
) -> list[tuple[OutboundMessage | None, ProviderResult]]:
    """Build each item's message and send the ones built in one ``send_many``; answers, in
    order, each item's message and result. An item whose message cannot be built (a template
    parameter without a value) fails at once with the reason, and no request goes out for it.
    """
    built: list[OutboundMessage | ProviderResult] = []
    for item in items:
        try:
            built.append(build(item))
        except ValidationFailed as exc:
            built.append(
                ProviderResult(ok=False, error_code=exc.code[:32], error_message=exc.message)
            )
    messages = [m for m in built if isinstance(m, OutboundMessage)]
    sent = iter(adapter.send_many(messages) if messages else [])
    return [(m, next(sent)) if isinstance(m, OutboundMessage) else (None, m) for m in built]
