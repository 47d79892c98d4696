"""The one message builder: a campaign's (or a variant's) message, made for one contact.

The send pipeline, the test send, the preview page and the wizard's previews all build through
``MessageBuilder``, so what a marketer previews is what a contact receives: the same renderer
(``templates_app.rendering``), the same variable mapping and fallbacks
(``templates_app.personalization``), the same template parameters.

``MessageBuilder`` compiles a message once (texts parsed, the template's parts and parameters
found); ``build`` then costs one render per part and no query, so the pipeline builds a whole
batch against one builder. A template message is built from the approved template's structure
(``templates_app.structure``): a header (text with its parameter, or media), the body's
parameters (numbered or named), and one entry per button that takes a parameter (the tail of a
dynamic URL, the payload of a quick reply). Every parameter must have a value: a contact for
whom one renders empty gets ``ParameterMissing`` and is not sent, instead of a request that
WhatsApp would refuse.

Click tracking happens here too, for the send path only: given a ``LinkTracker`` (delivery's)
and a recipient, links in the text and URL buttons become tracked URLs, and a template whose URL
button is ``<PUBLIC_BASE_URL>/r/{{1}}`` gets the token as that parameter. Media links are never
touched; previews and test sends build without a recipient and keep the links as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict
from urllib.parse import quote

from core.errors import ValidationFailed
from core.messages import OutboundMessage
from templates_app.error_codes import TemplateErrorCode
from templates_app.links import LinkTracker, links_rewrite
from templates_app.personalization import (
    personalization_text,
    variable_context,
    variable_fallbacks,
)
from templates_app.rendering import CompiledTemplate, MessageContact, template_compile
from templates_app.structure import (
    MEDIA_HEADERS,
    URL_VARIABLE_RE,
    TemplateParameter,
    TemplateStructure,
    url_parameter_name,
)

# A dynamic URL's tail is data: percent-encoded but for "/" (a tail may be a path), so a value
# with spaces, "&", "?" or "#" cannot change the address the template's URL starts.
_URL_SAFE = "/"


class ParameterMissing(ValidationFailed):
    """A template parameter has no value for this contact, and no fallback."""

    code = TemplateErrorCode.MISSING_PARAMETER


@dataclass(frozen=True)
class MessageSource:
    """A message as written: the campaign's or a variant's, with its personalization."""

    type: str  # text | template | media | interactive
    content: str = ""
    subject: str = ""
    media_urls: tuple[str, ...] = ()
    buttons: tuple[dict, ...] = ()
    template: TemplateStructure | None = None
    personalization: dict = field(default_factory=dict)


class Preview(TypedDict):
    """A message as a phone shows it (``MessageBuilder.preview``)."""

    header: str
    body: str
    footer: str
    headerType: str
    mediaUrl: str
    buttons: list[dict]
    message: OutboundMessage


class _Addressing(TypedDict):
    """What every message of one contact carries, whatever its kind."""

    recipient_id: int
    callback_data: str
    to_phone: str
    to_email: str
    contact_id: int | None
    type: str
    subject: str


def _button_tracked(button: dict, tracker: LinkTracker, recipient_id: int) -> dict:
    """A URL button pointing at its tracked URL; other buttons as they are."""
    if button.get("type") != "url" or not button.get("value"):
        return button
    url = tracker.url_for(str(button["value"]), recipient_id, label=str(button.get("text") or ""))
    return {**button, "value": url}


def parameter_value(text: str) -> str:
    """A parameter as WhatsApp accepts it: no line breaks, tabs or runs of spaces."""
    return " ".join(text.split())


class MessageBuilder:
    def __init__(self, source: MessageSource, *, tracker: LinkTracker | None = None) -> None:
        self.source = source
        # Rewrites links per recipient (the send path's); previews and test sends have none.
        self.tracker = tracker
        personalization = source.personalization if isinstance(source.personalization, dict) else {}
        self.personalization = personalization
        self.fallbacks = variable_fallbacks(personalization)
        self.template = source.template if source.type == "template" else None
        # WhatsApp shows buttons only under an interactive message: a text with buttons is one.
        self.kind = "interactive" if source.type == "text" and source.buttons else source.type
        self.subject = template_compile(source.subject or "")
        if self.template is None:
            self.text = template_compile(personalization_text(source.content, personalization))
            return
        t = self.template
        # Each parameter as a one-placeholder template, so its fallback applies like in text.
        self.parameters: list[tuple[TemplateParameter, CompiledTemplate]] = [
            (p, template_compile(f"{{{{{p.name}}}}}")) for p in t.parameters
        ]
        # The template's texts, rendered against the parameters' final values.
        self.header_text = template_compile(t.header_text if t.header_type == "text" else "")
        self.body = template_compile(t.body)

    # -- per contact ----------------------------------------------------------------------

    def build(
        self, contact: MessageContact | None, *, recipient_id: int = 0, callback_data: str = ""
    ) -> OutboundMessage:
        """The message for ``contact``; ``ParameterMissing`` when a template parameter is empty.

        ``contact`` None builds without one (a template's own preview, from its examples).
        """
        context = variable_context(personalization=self.personalization, contact=contact)
        common: _Addressing = {
            "recipient_id": recipient_id,
            "callback_data": callback_data,
            "to_phone": getattr(contact, "phone", "") or "",
            "to_email": getattr(contact, "email", "") or "",
            "contact_id": getattr(contact, "pk", None),
            "type": self.kind,
            "subject": self.subject.render(context, self.fallbacks, False),
        }
        tracker = self.tracker if recipient_id else None
        if self.template is None:
            text = self.text.render(context, self.fallbacks, False)
            buttons = tuple(self.source.buttons)
            if tracker is not None:
                text = links_rewrite(text, lambda url: tracker.url_for(url, recipient_id))
                buttons = tuple(_button_tracked(b, tracker, recipient_id) for b in buttons)
            return OutboundMessage(
                **common,
                text=text,
                media_urls=tuple(self.source.media_urls),
                buttons=buttons,
            )
        values = self._values(self.template, context)
        payload = self._template_payload(self.template, values, tracker, recipient_id)
        return OutboundMessage(
            **common,
            text="\n\n".join(p for p in self._template_parts(self.template, values) if p.strip()),
            template=payload,
            media_urls=(payload["header"]["link"],) if "link" in (payload["header"] or {}) else (),
        )

    def preview(self, contact: MessageContact | None) -> Preview:
        """What a phone shows for ``contact``, part by part, from the message ``build`` makes
        (and its ``ValidationFailed``)."""
        message = self.build(contact)
        header, body, footer = "", message.text, ""
        if self.template is not None:
            context = variable_context(personalization=self.personalization, contact=contact)
            values = self._values(self.template, context)
            header, body, footer = self._template_parts(self.template, values)
        shows_media = self.template is not None or self.kind in ("media", "interactive")
        return {
            "header": header,
            "body": body,
            "footer": footer,
            "headerType": self.template.header_type if self.template else "none",
            "mediaUrl": message.media_urls[0] if shows_media and message.media_urls else "",
            "buttons": self.buttons_shown(message),
            "message": message,
        }

    # -- a template message: these take its structure -----------------------------------

    def _values(self, t: TemplateStructure, context: dict) -> dict[str, str]:
        """Each template parameter's value; ``ParameterMissing`` names the empty ones."""
        values: dict[str, str] = {}
        missing: list[TemplateParameter] = []
        for parameter, compiled in self.parameters:
            value = parameter_value(compiled.render(context, self.fallbacks, False))
            values.setdefault(parameter.name, value)
            if not value:
                missing.append(parameter)
        if missing:
            labels = ", ".join(dict.fromkeys(p.label for p in missing))
            raise ParameterMissing(
                f"No value for {labels} of the template “{t.name}”, and no "
                "fallback: WhatsApp refuses a template parameter left empty.",
                extra={
                    "problems": [
                        {"field": f"personalization.variables.{p.name}", "message": "No value."}
                        for p in missing
                    ]
                },
            )
        return values

    def _header(self, t: TemplateStructure, values: dict[str, str]) -> dict | None:
        if t.header_type == "text":
            names = [p.name for p, _ in self.parameters if p.part == "header"]
            if not names:
                return None
            return {"type": "text", "parameters": [{"name": n, "text": values[n]} for n in names]}
        if t.header_type in MEDIA_HEADERS:
            link = (self.source.media_urls or (t.header_media_url,))[0]
            if not link:
                raise ParameterMissing(
                    f"The template “{t.name}” has a {t.header_type} header: give its URL.",
                    extra={"problems": [{"field": "mediaUrls", "message": "No header media."}]},
                )
            return {"type": t.header_type, "link": link}
        return None

    def _template_payload(
        self,
        t: TemplateStructure,
        values: dict[str, str],
        tracker: LinkTracker | None = None,
        recipient_id: int = 0,
    ) -> dict:
        buttons: list[dict[str, object]] = []
        for i, button in enumerate(t.buttons):
            if button.get("type") == "quickreply":
                # The payload comes back in the reply: the button's value, else its label.
                payload = str(button.get("value") or button.get("text") or "")
                buttons.append({"index": i, "sub_type": "quick_reply", "payload": payload})
            elif i in t.dynamic_url_buttons:
                # The tail starts with its variable; anything written after it stays.
                prefix, variable = t.url_parts(i)
                after = URL_VARIABLE_RE.sub("", variable, count=1)
                tail = values[url_parameter_name(i)]
                if tracker is not None and tracker.redirect_prefix == prefix != "":
                    # A template approved as <base>/r/{{1}}: its parameter is the destination,
                    # sent as the recipient's token.
                    label = str(button.get("text") or "")
                    tracked = tracker.url_for(tail, recipient_id, label=label)
                    if tracked.startswith(prefix):
                        tail = tracked[len(prefix) :]
                tail += after
                buttons.append({"index": i, "sub_type": "url", "text": quote(tail, _URL_SAFE)})
        return {
            "name": t.name,
            "language": t.language,
            "parameter_format": "named" if t.named else "positional",
            "header": self._header(t, values),
            "body": [
                {"name": p.name, "text": values[p.name]}
                for p, _ in self.parameters
                if p.part == "body"
            ],
            "buttons": buttons,
        }

    def _template_parts(self, t: TemplateStructure, values: dict[str, str]) -> tuple[str, str, str]:
        """Header, body and footer as the contact reads them: the approved texts with this
        contact's parameters."""
        return (
            self.header_text.render(values, None, False),
            self.body.render(values, None, False),
            t.footer,
        )

    def buttons_shown(self, message: OutboundMessage | None) -> list[dict]:
        """The buttons a contact sees under ``message`` (as written when there is none)."""
        if self.template is None:
            return [dict(b) for b in self.source.buttons]
        template = (message.template if message is not None else None) or {}
        filled = {b["index"]: b for b in template.get("buttons", [])}
        shown = []
        for i, button in enumerate(self.template.buttons):
            button = dict(button)
            if button.get("type") == "url" and i in filled:
                button["value"] = self.template.url_parts(i)[0] + filled[i]["text"]
            shown.append(button)
        return shown
