"""The server-side preview of a template: its text rendered with its example values.

Works on the API-shaped data (saved or just submitted), so the editor shows the same preview
after a save and after a rejected POST. A variable without an example stays visible as
``{{name}}``, and text that cannot be parsed is shown as written.
"""

import re

from templates_app.rendering import TemplateSyntaxProblem, template_render, template_variables

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


def _render(text: str, context: dict, fallbacks: dict) -> str:
    try:
        return template_render(text, context=context, fallbacks=fallbacks)
    except TemplateSyntaxProblem:
        return text


def template_preview(data: dict) -> dict:
    names = data_variable_names(data)
    examples = {
        str(v.get("name")): v.get("example") or ""
        for v in data.get("variables") or []
        if isinstance(v, dict)
    }
    context = {n: examples.get(n, "") for n in names}
    fallbacks = {n: f"{{{{{n}}}}}" for n in names}
    header = data.get("header") or {}
    kind = header.get("type") or "none"
    return {
        "headerType": kind,
        "header": _render(header.get("text") or "", context, fallbacks) if kind == "text" else "",
        "mediaUrl": header.get("mediaUrl") or "" if kind in {"image", "video", "document"} else "",
        "body": _render(data.get("body") or "", context, fallbacks),
        "footer": data.get("footer") or "",
        "buttons": [b for b in data.get("buttons") or [] if isinstance(b, dict)],
    }
