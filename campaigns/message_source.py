"""A campaign's message as written, the campaign's own or a variant's: one reading of it.

The builder (``campaigns.services.personalization``) makes what a contact receives from it,
and ``campaigns.validation`` checks it against WhatsApp's rules, so both read the same message.
It lives beside them, not in either, so the rules need nothing from the services that apply
them.
"""

from typing import Any

from campaigns.models import Campaign
from templates_app.builder import MessageSource
from templates_app.structure import TemplateStructure


def message_source(campaign: Campaign, message: dict[str, Any] | None = None) -> MessageSource:
    """The campaign's message, or a variant's (``message`` has the API's message shape; a
    key it leaves out is the campaign's)."""
    message = message if isinstance(message, dict) else {}
    personalization = campaign.personalization if isinstance(campaign.personalization, dict) else {}
    kind = message.get("type") or campaign.message_type
    content = message.get("content", campaign.message_content) or ""
    template = None
    if kind == Campaign.MessageType.TEMPLATE and campaign.template is not None:
        template = TemplateStructure.from_model(campaign.template)
    media = message.get("mediaUrls", campaign.media_urls) or ()
    buttons = message.get("buttons", campaign.buttons) or ()
    return MessageSource(
        type=kind,
        content=content,
        subject=str(message.get("subject") or campaign.subject or ""),
        media_urls=tuple(str(u) for u in media if u),
        buttons=tuple(b for b in buttons if isinstance(b, dict)),
        template=template,
        personalization=personalization,
    )
