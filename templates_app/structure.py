"""What an approved template is made of, and which parameters a send must fill.

WhatsApp sends a template by name: the message carries only the parameters, one component
per part (header, body, each button that takes one), and each must have a value. The parts and
their parameters come from the template's own text, so the builder, the campaign's validation
and the wizard's personalization step all read them here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from templates_app.rendering import NUMBERED_RE, TemplateSyntaxProblem, template_compile

if TYPE_CHECKING:
    from templates_app.models import MessageTemplate

# WhatsApp's own vocabulary, shared by a template's editor (``templates_app.services``) and a
# campaign's message rules (``campaigns.validation``): what can head a message, the kinds of
# button, and the longest answer a reply button sends back (a reply's id, a template's payload).
MEDIA_HEADERS = frozenset({"image", "video", "document"})
BUTTON_TYPES = ("call", "url", "quickreply")
REPLY_PAYLOAD_MAX = 256
# A dynamic URL button ends with one variable: the part of the URL each send fills in.
URL_VARIABLE_RE = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def url_parameter_name(index: int) -> str:
    """The mapping key of a dynamic URL button's tail. As on WhatsApp, the variable ending a
    button's URL is that button's own parameter, whatever is written between its braces (a
    URL's ``{{1}}`` is not the body's ``{{1}}``)."""
    return f"button_{index + 1}_url"


@dataclass(frozen=True)
class TemplateParameter:
    name: str
    # "header", "body" or "buttons.<index>"
    part: str

    @property
    def label(self) -> str:
        if self.part.startswith("buttons."):
            return f"{{{{{self.name}}}}} (the end of button {int(self.part[8:]) + 1}'s URL)"
        return f"{{{{{self.name}}}}} ({self.part})"


def _names(text: str) -> list[str]:
    try:
        return list(dict.fromkeys(name for name, _ in template_compile(text).placeholders))
    except TemplateSyntaxProblem:
        return []


def _in_order(names: list[str], *, named: bool) -> list[str]:
    """Named parameters in order of use; numbered ones by number, as WhatsApp reads them."""
    return names if named else sorted(names, key=lambda n: int(n) if n.isdigit() else 0)


@dataclass(frozen=True)
class TemplateStructure:
    name: str
    language: str
    header_type: str = "none"
    header_text: str = ""
    header_media_url: str = ""
    body: str = ""
    footer: str = ""
    # [{"type": "url"|"call"|"quickreply", "text", "value"}], in the template's order
    buttons: tuple[dict, ...] = field(default=())

    @classmethod
    def from_model(cls, template: MessageTemplate) -> TemplateStructure:
        return cls(
            name=template.name,
            language=template.language,
            header_type=template.header_type or "none",
            header_text=template.header_text or "",
            header_media_url=template.header_media_url or "",
            body=template.body or "",
            footer=template.footer or "",
            buttons=tuple(b for b in template.buttons or [] if isinstance(b, dict)),
        )

    @classmethod
    def from_data(cls, data: dict) -> TemplateStructure:
        """From the API's shape (``templates_app.services``), saved or just submitted."""
        header = data.get("header")
        if not isinstance(header, dict):
            header = {}
        return cls(
            name=str(data.get("name") or ""),
            language=str(data.get("language") or ""),
            header_type=str(header.get("type") or "none"),
            header_text=str(header.get("text") or ""),
            header_media_url=str(header.get("mediaUrl") or ""),
            body=str(data.get("body") or ""),
            footer=str(data.get("footer") or ""),
            buttons=tuple(b for b in data.get("buttons") or [] if isinstance(b, dict)),
        )

    # -- parts --------------------------------------------------------------------------

    @property
    def header_names(self) -> list[str]:
        return _names(self.header_text) if self.header_type == "text" else []

    @property
    def body_names(self) -> list[str]:
        return _names(self.body)

    def url_parts(self, index: int) -> tuple[str, str]:
        """A URL button's fixed prefix and its variable tail ("" when the URL is static)."""
        value = str(self.buttons[index].get("value") or "")
        match = URL_VARIABLE_RE.search(value)
        return (value, "") if match is None else (value[: match.start()], value[match.start() :])

    @property
    def dynamic_url_buttons(self) -> list[int]:
        return [
            i
            for i, b in enumerate(self.buttons)
            if b.get("type") == "url" and URL_VARIABLE_RE.search(str(b.get("value") or ""))
        ]

    @property
    def named(self) -> bool:
        """Named parameters (``{{first_name}}``) rather than numbered ones (``{{1}}``)."""
        return any(not NUMBERED_RE.fullmatch(n) for n in self.header_names + self.body_names)

    @property
    def parameters(self) -> list[TemplateParameter]:
        """Every parameter a send fills, part by part, in the order WhatsApp reads them."""
        named = self.named
        out = [TemplateParameter(n, "header") for n in _in_order(self.header_names, named=named)]
        out += [TemplateParameter(n, "body") for n in _in_order(self.body_names, named=named)]
        out += [
            TemplateParameter(url_parameter_name(i), f"buttons.{i}")
            for i in self.dynamic_url_buttons
        ]
        return out

    @property
    def variable_names(self) -> list[str]:
        """Each variable once, in order of use: the rows of the personalization step."""
        return list(dict.fromkeys(p.name for p in self.parameters))
