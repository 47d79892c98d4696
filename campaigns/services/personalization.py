"""Turns a campaign's message and personalization settings into text for one contact.

The wizard's previews, the review step, quick test sends and the delivery pipeline all render
through ``message_render``, so what a marketer previews is exactly what a contact receives.
Variable mapping and fallbacks come from ``Campaign.personalization``:
``{"variables": {name: {"source": "field"|"attribute"|"text", "value", "fallback"}},
"blocks": [{"field": "field:first_name"|"attribute:city", "operator": "eq"|"neq"|"exists",
"value", "text"}]}``; blocks become the renderer's own ``{% if %}`` markup.
"""

import json

from templates_app.rendering import contact_context, template_render

_OPERATORS = {"eq": "==", "neq": "!="}


def _name_for(source: str) -> str:
    kind, _, key = source.partition(":")
    return f"attributes.{key}" if kind == "attribute" else key


def personalization_text(content: str, personalization: dict | None) -> str:
    """The message text with its conditional blocks appended as ``{% if %}`` markup."""
    blocks = (personalization or {}).get("blocks") or []
    parts = [content or ""]
    for block in blocks:
        name = _name_for(block.get("field", ""))
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


def personalization_context(*, personalization: dict | None, contact) -> tuple[dict, dict]:
    """The renderer's context and fallbacks for ``contact``, with mapped variables added."""
    context = contact_context(contact)
    fallbacks = {}
    for name, mapping in ((personalization or {}).get("variables") or {}).items():
        source, value = mapping.get("source"), mapping.get("value", "")
        if source == "text":
            context[name] = value
        elif source == "attribute":
            context[name] = context["attributes"].get(value, "")
        elif source == "field" and value != name:
            context[name] = context.get(value, "")
        if mapping.get("fallback"):
            fallbacks[name] = mapping["fallback"]
    return context, fallbacks


def message_render(*, campaign, contact, content: str | None = None) -> str:
    """``content`` (the campaign's message by default) as ``contact`` will read it."""
    text = campaign.message_content if content is None else content
    personalization = campaign.personalization or {}
    context, fallbacks = personalization_context(personalization=personalization, contact=contact)
    return template_render(
        personalization_text(text, personalization), context=context, fallbacks=fallbacks
    )
