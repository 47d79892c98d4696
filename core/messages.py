"""A message ready to leave: what the message builder (``templates_app.builder``) makes for one
contact and every provider adapter (``messaging.providers``) sends.

Plain data in ``core`` because both sides use it and neither may import the other (the
siblings are independent); the adapters' contract around it is ``messaging.providers.base``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class OutboundMessage:
    recipient_id: int
    # Our id, echoed back by providers that support it (WhatsApp biz_opaque_callback_data).
    callback_data: str
    to_phone: str = ""
    to_email: str = ""
    type: str = "text"  # text | template | media | interactive
    text: str = ""
    subject: str = ""
    # An approved template's parameters, filled for this contact (``templates_app.builder``):
    # {"name", "language", "parameter_format": "positional" | "named",
    #  "header": None | {"type": "text", "parameters": [{"name", "text"}]}
    #            | {"type": "image" | "video" | "document", "link": url},
    #  "body": [{"name", "text"}],
    #  "buttons": [{"index": 0, "sub_type": "url", "text": suffix}
    #              | {"index": 1, "sub_type": "quick_reply", "payload": payload}]}
    # Names are "1", "2", … (positional) or the template's own (named). JSON only, so the
    # sandbox can store it as it is.
    template: dict | None = None
    media_urls: tuple[str, ...] = ()
    # [{"type": "call"|"url"|"quickreply", "text": ..., "value": ...}]
    buttons: tuple[dict, ...] = ()
    # Email only: an HTML alternative to ``text`` (else the adapter renders one from it).
    html: str = ""
    # The contact messaged: e-mail signs its unsubscribe link with it.
    contact_id: int | None = None
