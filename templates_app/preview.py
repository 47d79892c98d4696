"""The server-side preview of a template: built by the message builder from its examples.

Works on the API-shaped data (saved or just submitted), so the editor shows the same preview
after a save and after a rejected POST. A variable without an example stays visible as
``{{name}}``, and text that cannot be parsed is shown as written.
"""

import re
from collections.abc import Mapping

from core.errors import ValidationFailed
from templates_app.builder import MessageBuilder, MessageSource
from templates_app.rendering import TemplateSyntaxProblem, template_variables
from templates_app.structure import MEDIA_HEADERS, TemplateStructure

_LOOSE_VARIABLE_RE = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)")


def _names(text: str) -> list[str]:
    if not text:
        return []
    try:
        return template_variables(text)
    except TemplateSyntaxProblem:
        return list(dict.fromkeys(_LOOSE_VARIABLE_RE.findall(text)))


def data_variable_names(data: dict) -> list[str]:
    """Variables of the header (when it is text) then the body, once each, in order of use."""
    header = data.get("header") or {}
    header_text = header.get("text") or "" if header.get("type") == "text" else ""
    return list(dict.fromkeys(_names(header_text) + _names(data.get("body") or "")))


def template_preview(data: dict) -> dict:
    """The template as a phone shows it, built by the message builder from its examples."""
    structure = TemplateStructure.from_data(data)
    examples = {
        str(v.get("name")): str(v.get("example") or "")
        for v in data.get("variables") or []
        if isinstance(v, dict)
    }
    # Each variable is its example; one without an example shows as written.
    personalization = {
        "variables": {
            name: {"source": "text", "value": examples.get(name, ""), "fallback": f"{{{{{name}}}}}"}
            for name in structure.variable_names
        }
    }
    source = MessageSource(type="template", template=structure, personalization=personalization)
    buttons = [b for b in data.get("buttons") or [] if isinstance(b, dict)]
    try:
        shown: Mapping[str, object] = MessageBuilder(source).preview(None)
    except ValidationFailed:  # text that cannot be parsed, or a media header without its URL
        shown = {
            "header": structure.header_text,
            "body": structure.body,
            "footer": structure.footer,
            "mediaUrl": structure.header_media_url,
        }
    kind = structure.header_type
    return {
        "headerType": kind,
        "header": shown["header"] if kind == "text" else "",
        "mediaUrl": shown["mediaUrl"] if kind in MEDIA_HEADERS else "",
        "body": shown["body"],
        "footer": shown["footer"],
        "buttons": buttons,
    }
