"""A campaign's variable mapping, fallbacks and conditional paragraphs, read one way.

Stored on the campaign as ``{"variables": {name: {"source": "field"|"attribute"|"text",
"value", "fallback"}}, "blocks": [{"field": "field:first_name"|"attribute:city", "operator":
"eq"|"neq"|"exists", "value", "text"}]}``. Older writers left fallbacks in a separate
``{"fallbacks": {name: text}}`` map; the API still shows them, so every render honours them too
(a variable's own fallback wins). Blocks become the renderer's own ``{% if %}`` markup, so user
text never reaches another template engine.
"""

import json

from templates_app.rendering import CONTACT_FIELDS, MessageContact, contact_context

_OPERATORS = {"eq": "==", "neq": "!="}


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _mappings(personalization: dict | None) -> dict[str, dict]:
    variables = _dict(_dict(personalization).get("variables"))
    return {str(name): m for name, m in variables.items() if isinstance(m, dict)}


def _name_for(source: str) -> str:
    kind, _, key = source.partition(":")
    return f"attributes.{key}" if kind == "attribute" else key


def personalization_text(content: str, personalization: dict | None) -> str:
    """The message text with its conditional blocks appended as ``{% if %}`` markup."""
    blocks = _dict(personalization).get("blocks") or []
    parts = [content or ""]
    for block in blocks:
        if not isinstance(block, dict):
            continue
        name = _name_for(str(block.get("field", "")))
        if not name or not block.get("text"):
            continue
        operator = block.get("operator", "eq")
        if operator == "exists":
            condition = name
        else:
            condition = (
                f"{name} {_OPERATORS.get(operator, '==')} {json.dumps(block.get('value', ''))}"
            )
        parts.append(f"{{% if {condition} %}}\n\n{block['text']}{{% endif %}}")
    return "".join(parts)


def personalization_blocks(personalization: dict | None) -> list[dict]:
    blocks = _dict(personalization).get("blocks") or []
    return [b for b in blocks if isinstance(b, dict) and b.get("text")]


def variable_fallbacks(personalization: dict | None) -> dict[str, str]:
    legacy = _dict(_dict(personalization).get("fallbacks"))
    fallbacks = {str(name): str(text) for name, text in legacy.items() if text}
    for name, mapping in _mappings(personalization).items():
        if mapping.get("fallback"):
            fallbacks[name] = str(mapping["fallback"])
    return fallbacks


def variable_context(*, personalization: dict | None, contact: MessageContact | None) -> dict:
    """The renderer's context for ``contact`` (None: no contact, as in a template's own
    preview): its fields, attributes and mapped variables."""
    context = contact_context(contact) if contact is not None else {"attributes": {}}
    for name, mapping in _mappings(personalization).items():
        source, value = mapping.get("source"), str(mapping.get("value") or "")
        if source == "text":
            context[name] = value
        elif source == "attribute":
            context[name] = context["attributes"].get(value, "")
        elif source == "field" and value and value != name:
            context[name] = context.get(value, "")
    return context


def variable_source(name: str, personalization: dict | None) -> str:
    """Where ``name`` takes its value from, in words, or "" when nothing fills it.

    A fallback alone is a source: every contact then gets at least the fallback.
    """
    mapping = _mappings(personalization).get(name, {})
    source, value = mapping.get("source"), str(mapping.get("value") or "").strip()
    if source == "text":
        found = "fixed text" if value else ""
    elif source == "attribute":
        found = f"the attribute “{value}”" if value else ""
    elif (value or name) in CONTACT_FIELDS:
        found = f"the contact's {(value or name).replace('_', ' ')}"
    elif name.startswith("attributes.") and not value:
        found = f"the attribute “{name.removeprefix('attributes.')}”"
    else:
        found = ""
    if not found and name in variable_fallbacks(personalization):
        found = "its fallback"
    return found
