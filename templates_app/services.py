"""Writes of message templates: one validation for the API, the editor page and the admin.

``data`` always has the API's shape (camelCase), so a problem's ``field`` is the same path in
API answers and in the editor's inline errors::

    {"name", "category", "language", "status", "body", "footer",
     "header": {"type", "text", "mediaUrl"},
     "buttons": [{"type", "text", "value"}], "variables": [{"name", "example"}]}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import phonenumbers
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from accounts.models import Account
from core import urlguard
from core.errors import Conflict, ValidationFailed
from core.text import dotted, unstorable
from templates_app.models import MessageTemplate, TemplateReview
from templates_app.rendering import NUMBERED_RE, TemplateSyntaxProblem, template_compile
from templates_app.structure import (
    BUTTON_TYPES,
    MEDIA_HEADERS,
    REPLY_PAYLOAD_MAX,
    URL_VARIABLE_RE,
)

# WhatsApp Cloud API limits for message templates.
NAME_MAX = 512
HEADER_TEXT_MAX = 60
BODY_MAX = 1024
FOOTER_MAX = 60
BUTTONS_MAX = 10
URL_BUTTONS_MAX = 2
CALL_BUTTONS_MAX = 1
BUTTON_TEXT_MAX = 25
BUTTON_URL_MAX = 2000
EXAMPLE_MAX = 200
REVIEW_NOTE_MAX = 1000

TEMPLATE_NAME_RE = re.compile(r"[a-z0-9_]+")
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
NAMED_VARIABLE_RE = re.compile(r"[a-z_][a-z0-9_]*")

BUTTON_TYPE_ALIASES = {
    "quick_reply": "quickreply",
    "quick-reply": "quickreply",
    "phone_number": "call",
    "phone": "call",
}

_url_validator = URLValidator(schemes=["http", "https"])

# What an edit may set. Approved and rejected come from a review: the provider's, or an owner's
# or manager's through ``template_review``, never from the editor (a marketer would approve
# their own template).
EDITABLE_STATUSES = (MessageTemplate.Status.DRAFT, MessageTemplate.Status.PENDING)
REVIEWED_STATUSES = (MessageTemplate.Status.APPROVED, MessageTemplate.Status.REJECTED)
REVIEW_ONLY_MESSAGE = (
    "A template is approved or rejected by WhatsApp or by an owner or manager of the account, "
    "with the Approve and Reject actions, not by editing it. Choose Draft or Pending approval."
)


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})

    def has(self, field: str) -> bool:
        return any(p["field"] == field for p in self.items)

    def raise_if_any(self) -> None:
        if self.items:
            summary = "; ".join(f"{p['field']}: {p['message']}" for p in self.items)
            raise ValidationFailed(
                f"The template is not valid: {summary}", extra={"problems": self.items}
            )


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def template_data(template: MessageTemplate) -> dict[str, Any]:
    """The editable part of a template in the API's shape (the base a partial update merges on)."""
    return {
        "name": template.name,
        "category": template.category,
        "language": template.language,
        "status": template.status,
        "header": {
            "type": template.header_type,
            "text": template.header_text,
            "mediaUrl": template.header_media_url,
        },
        "body": template.body,
        "footer": template.footer,
        "buttons": [dict(b) for b in template.buttons or [] if isinstance(b, dict)],
        "variables": [dict(v) for v in template.variables or [] if isinstance(v, dict)],
    }


def _check_choice(
    problems: _Problems, data: dict[str, Any], key: str, choices: Sequence[str], label: str
) -> str:
    value = _text(data.get(key))
    if value not in choices:
        allowed = ", ".join(choices)
        problems.add(key, f"Choose a {label}: one of {allowed}.")
    return value


def _placeholders(problems: _Problems, field: str, text: str) -> list[str] | None:
    """The field's placeholders, or None after reporting why they cannot be read."""
    try:
        compiled = template_compile(text)
    except TemplateSyntaxProblem as exc:
        problems.add(field, exc.message)
        return None
    if compiled.has_conditions:
        problems.add(
            field,
            "Conditional blocks are not part of WhatsApp templates: WhatsApp sends the approved "
            "text as it is. A text message can carry conditional paragraphs.",
        )
    for name, fallback in compiled.placeholders:
        if fallback is not None:
            problems.add(
                field,
                f"Fallbacks such as “{{{{{name}|{fallback}}}}}” are set in the campaign's "
                f"personalization step; write “{{{{{name}}}}}” here.",
            )
            break
    for name, _ in compiled.placeholders:
        if not (NUMBERED_RE.fullmatch(name) or NAMED_VARIABLE_RE.fullmatch(name)):
            problems.add(
                field,
                f"“{{{{{name}}}}}”: template variables are numbered ({{{{1}}}}) or named with "
                "lowercase letters, digits and underscores ({{first_name}}).",
            )
            break
    return [name for name, _ in compiled.placeholders]


def _validate_header(problems: _Problems, header: object) -> tuple[dict[str, str], list[str]]:
    if header is None:
        header = {}
    if not isinstance(header, dict):
        problems.add("header", "The header must be an object with type, text and mediaUrl.")
        return {"header_type": "none", "header_text": "", "header_media_url": ""}, []
    kind = _text(header.get("type")) or "none"
    text = header.get("text") or ""
    text = text.strip() if isinstance(text, str) else ""
    media_url = _text(header.get("mediaUrl"))
    names: list[str] = []
    if kind not in MessageTemplate.HeaderType.values:
        problems.add(
            "header.type",
            "Choose a header type: " + ", ".join(MessageTemplate.HeaderType.values) + ".",
        )
        kind = "none"
    if kind == "text":
        if not text:
            problems.add("header.text", "Write the header text, or choose no header.")
        elif len(text) > HEADER_TEXT_MAX:
            problems.add(
                "header.text",
                f"The header text has {len(text)} characters; the limit is {HEADER_TEXT_MAX}.",
            )
        names = _placeholders(problems, "header.text", text) or []
        if len(names) > 1:
            problems.add("header.text", "The header text may hold at most one variable.")
    elif kind in MEDIA_HEADERS:
        if not media_url:
            problems.add("header.mediaUrl", f"Give the URL of the header {kind}.")
        else:
            try:
                _url_validator(media_url)
            except ValidationError:
                problems.add("header.mediaUrl", "Enter a full http(s) URL for the header media.")
            else:
                if problem := urlguard.url_problem(media_url):
                    problems.add("header.mediaUrl", problem)
    return {
        "header_type": kind,
        "header_text": text if kind == "text" else "",
        "header_media_url": media_url if kind in MEDIA_HEADERS else "",
    }, names


def _validate_buttons(problems: _Problems, buttons: object) -> list[dict[str, str]]:
    if buttons is None:
        return []
    if not isinstance(buttons, list):
        problems.add("buttons", "Buttons must be a list.")
        return []
    if len(buttons) > BUTTONS_MAX:
        problems.add("buttons", f"A template has at most {BUTTONS_MAX} buttons.")
    cleaned: list[dict[str, str]] = []
    for i, button in enumerate(buttons):
        path = f"buttons.{i}"
        if not isinstance(button, dict):
            problems.add(path, "Each button needs a type, a text and a value.")
            continue
        kind = _text(button.get("type")).lower()
        kind = BUTTON_TYPE_ALIASES.get(kind, kind)
        text = _text(button.get("text"))
        value = _text(button.get("value"))
        if kind not in BUTTON_TYPES:
            problems.add(f"{path}.type", "Choose a button type: quick reply, URL or call.")
        if not text:
            problems.add(f"{path}.text", "Write the button's text.")
        elif len(text) > BUTTON_TEXT_MAX:
            problems.add(
                f"{path}.text",
                f"The button text has {len(text)} characters; the limit is {BUTTON_TEXT_MAX}.",
            )
        if kind == "url":
            # A dynamic URL ends with a variable the campaign fills in (WhatsApp: one, last).
            probe = URL_VARIABLE_RE.sub("x", value)
            variables = list(URL_VARIABLE_RE.finditer(value))
            if len(variables) > 1 or (variables and variables[0].end() != len(value)):
                problems.add(
                    f"{path}.value",
                    "A URL takes at most one variable, at its very end, e.g. "
                    "https://shop.example.com/orders/{{1}}.",
                )
            if not value:
                problems.add(f"{path}.value", "Give the URL the button opens.")
            elif len(value) > BUTTON_URL_MAX:
                problems.add(f"{path}.value", f"The URL is longer than {BUTTON_URL_MAX}.")
            else:
                try:
                    _url_validator(probe)
                except ValidationError:
                    problems.add(f"{path}.value", "Enter a full http(s) URL.")
                else:
                    if problem := urlguard.url_problem(probe):
                        problems.add(f"{path}.value", problem)
        elif kind == "call":
            value = _phone(problems, f"{path}.value", value)
        elif kind == "quickreply" and len(value) > REPLY_PAYLOAD_MAX:
            problems.add(
                f"{path}.value",
                f"The quick reply payload is longer than {REPLY_PAYLOAD_MAX} characters.",
            )
        cleaned.append({"type": kind, "text": text, "value": value})

    kinds = [b["type"] for b in cleaned]
    if kinds.count("url") > URL_BUTTONS_MAX:
        problems.add("buttons", f"A template has at most {URL_BUTTONS_MAX} URL buttons.")
    if kinds.count("call") > CALL_BUTTONS_MAX:
        problems.add("buttons", f"A template has at most {CALL_BUTTONS_MAX} call button.")
    # WhatsApp shows quick replies and call-to-action buttons as two groups; they cannot
    # alternate (quick reply, URL, quick reply).
    groups = [k == "quickreply" for k in kinds if k in BUTTON_TYPES]
    switches = sum(1 for a, b in zip(groups, groups[1:], strict=False) if a != b)
    if switches > 1:
        problems.add(
            "buttons",
            "Keep quick replies together, before or after the URL and call buttons.",
        )
    return cleaned


def _phone(problems: _Problems, field: str, value: str) -> str:
    if not value:
        problems.add(field, "Give the phone number the button calls.")
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        problems.add(field, "Enter the phone number in international form, e.g. +14155550123.")
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _validate_variables(
    problems: _Problems, used: list[str], given: object
) -> list[dict[str, str]]:
    """One ``{name, example}`` per variable the template uses, in order of use."""
    examples: dict[str, str] = {}
    if given is not None and not isinstance(given, list):
        problems.add("variables", "Variables must be a list of {name, example}.")
        given = []
    for i, item in enumerate(given or []):
        if not isinstance(item, dict) or not _text(item.get("name")):
            problems.add(f"variables.{i}", "Each variable needs a name and an example.")
            continue
        name = _text(item.get("name")).strip("{} ")
        examples.setdefault(name, _text(item.get("example")))

    unique = list(dict.fromkeys(used))
    numbered = [n for n in unique if NUMBERED_RE.fullmatch(n)]
    named = [n for n in unique if not NUMBERED_RE.fullmatch(n)]
    if numbered and named:
        problems.add(
            "body",
            "Use either numbered variables ({{1}}) or named ones ({{first_name}}), not both.",
        )
    if numbered:
        numbers = sorted(int(n) for n in numbered)
        missing = [n for n in range(1, numbers[-1] + 1) if n not in numbers]
        if missing:
            listed = ", ".join(f"{{{{{n}}}}}" for n in missing)
            problems.add(
                "body",
                f"Numbered variables run from {{{{1}}}} without gaps: {listed} is missing.",
            )

    cleaned = []
    for i, name in enumerate(unique):
        example = examples.get(name, "")
        if not example:
            problems.add(f"variables.{i}.example", f"Give an example value for {{{{{name}}}}}.")
        elif len(example) > EXAMPLE_MAX:
            problems.add(
                f"variables.{i}.example",
                f"The example for {{{{{name}}}}} is longer than {EXAMPLE_MAX} characters.",
            )
        cleaned.append({"name": name, "example": example})
    return cleaned


def template_validate(
    *, account: Account, data: dict[str, Any], instance: MessageTemplate | None = None
) -> dict[str, Any]:
    """Check ``data`` against WhatsApp's rules; return the model's field values.

    Every problem is collected (not only the first) so the editor can mark all of them at once.
    """
    problems = _Problems()
    if not isinstance(data, dict):
        problems.add("", "The template must be an object.")
        problems.raise_if_any()
    for path, message in unstorable(data):  # NUL or a lone surrogate: the editor page posts raw
        problems.add(dotted(path), message)

    name = _text(data.get("name"))
    if not name:
        problems.add("name", "Give the template a name.")
    elif len(name) > NAME_MAX:
        problems.add("name", f"The name is longer than {NAME_MAX} characters.")
    elif not TEMPLATE_NAME_RE.fullmatch(name):
        problems.add(
            "name", "Use lowercase letters, digits and underscores only, e.g. spring_sale_2."
        )
    category = _check_choice(
        problems, data, "category", MessageTemplate.Category.values, "category"
    )
    status = _check_choice(problems, data, "status", MessageTemplate.Status.values, "status")
    current_status = instance.status if instance is not None else None
    if status in REVIEWED_STATUSES and status != current_status:
        problems.add("status", REVIEW_ONLY_MESSAGE)
    language = _text(data.get("language"))
    if not LANGUAGE_RE.fullmatch(language):
        problems.add("language", "Use a language code such as en, fr or pt_BR.")

    header, header_names = _validate_header(problems, data.get("header"))

    raw_body = data.get("body")
    body = raw_body.strip() if isinstance(raw_body, str) else ""
    body_names: list[str] = []
    if not body:
        problems.add("body", "Write the message body.")
    elif len(body) > BODY_MAX:
        problems.add("body", f"The body has {len(body)} characters; the limit is {BODY_MAX}.")
    else:
        body_names = _placeholders(problems, "body", body) or []

    raw_footer = data.get("footer")
    footer = raw_footer.strip() if isinstance(raw_footer, str) else ""
    if len(footer) > FOOTER_MAX:
        problems.add(
            "footer", f"The footer has {len(footer)} characters; the limit is {FOOTER_MAX}."
        )
    if "{{" in footer or "{%" in footer:
        problems.add("footer", "The footer cannot hold variables.")

    buttons = _validate_buttons(problems, data.get("buttons"))
    variables = _validate_variables(problems, header_names + body_names, data.get("variables"))

    if name and not problems.has("name") and not problems.has("language"):
        clash = MessageTemplate.objects.for_account(account).filter(name=name, language=language)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            problems.add("name", _duplicate_message(name, language))

    problems.raise_if_any()
    return {
        "name": name,
        "category": category,
        "language": language,
        "status": status,
        **header,
        "body": body,
        "footer": footer,
        "buttons": buttons,
        "variables": variables,
    }


def _duplicate_message(name: str, language: str) -> str:
    return f"A template named “{name}” already exists in language “{language}”."


def _duplicate(name: str, language: str) -> ValidationFailed:
    message = _duplicate_message(name, language)
    return ValidationFailed(message, extra={"problems": [{"field": "name", "message": message}]})


_DEFAULTS = {
    "category": MessageTemplate.Category.MARKETING,
    "language": "en",
    "status": MessageTemplate.Status.DRAFT,
}


@transaction.atomic
def template_create(*, account: Account, data: dict[str, Any]) -> MessageTemplate:
    merged = {**_DEFAULTS, **{k: v for k, v in (data or {}).items() if v is not None}}
    values = template_validate(account=account, data=merged)
    template = MessageTemplate(account=account, **values)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        # Another request created the same name and language since we checked.
        raise _duplicate(values["name"], values["language"]) from None
    return template


@transaction.atomic
def template_update(*, template: MessageTemplate, data: dict[str, Any]) -> MessageTemplate:
    """Apply ``data`` over the template's current values; absent keys stay as they are."""
    current = template_data(template)
    data = {k: v for k, v in (data or {}).items() if v is not None}
    merged = {**current, **data}
    if isinstance(data.get("header"), dict):
        merged["header"] = {**current["header"], **data["header"]}
    values = template_validate(account=template.account, data=merged, instance=template)
    content_changed = any(getattr(template, f) != v for f, v in values.items() if f != "status")
    if content_changed and values["status"] in REVIEWED_STATUSES:
        # As on WhatsApp: an edited template goes back to review; the old approval covered the
        # old name and text, not these.
        values["status"] = MessageTemplate.Status.PENDING
    changed = [f for f, v in values.items() if getattr(template, f) != v]
    for field_name in changed:
        setattr(template, field_name, values[field_name])
    if changed:
        try:
            with transaction.atomic():
                template.save(update_fields=[*changed, "updated_at"])
        except IntegrityError:
            raise _duplicate(values["name"], values["language"]) from None
    return template


@transaction.atomic
def template_review(
    *,
    template: MessageTemplate,
    decision: str,
    actor: User | None,
    actor_name: str,
    note: str = "",
) -> MessageTemplate:
    """Approve or reject ``template`` and record who decided, when and why.

    Whether the caller may review (an owner or a manager: the ``approve`` permission) is
    checked by the page, API and admin before they call this.
    """
    if decision not in TemplateReview.Decision.values:
        raise ValidationFailed(
            "Choose approve or reject.",
            extra={"problems": [{"field": "decision", "message": "Choose approve or reject."}]},
        )
    note = _text(note)
    if len(note) > REVIEW_NOTE_MAX:
        message = f"The note is longer than {REVIEW_NOTE_MAX} characters."
        raise ValidationFailed(message, extra={"problems": [{"field": "note", "message": message}]})
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status == decision:
        raise Conflict(
            f"The template “{template.name}” is already {template.get_status_display().lower()}."
        )
    template.status = decision
    template.save(update_fields=["status", "updated_at"])
    TemplateReview.objects.create(
        account_id=template.account_id,
        template=template,
        decision=decision,
        actor=actor,
        actor_name=actor_name[:200],
        note=note,
    )
    return template


def content_edit_status(*, template: MessageTemplate, changed_fields: Sequence[str]) -> str:
    """The status a template has after an edit of ``changed_fields`` outside the service
    (the admin's form): reviewed content that changed goes back to pending."""
    content = set(changed_fields) - {"status", "account"}
    if content and template.status in REVIEWED_STATUSES:
        return MessageTemplate.Status.PENDING
    return template.status


@transaction.atomic
def template_delete(*, template: MessageTemplate) -> None:
    """Delete a template no campaign refers to (a deleted campaign in the bin still does)."""
    names = list(template.campaigns.order_by("name").values_list("name", flat=True)[:4])
    if names:
        raise Conflict(_in_use_message(template, names))
    try:
        template.delete()
    except ProtectedError:
        names = list(template.campaigns.order_by("name").values_list("name", flat=True)[:4])
        raise Conflict(_in_use_message(template, names)) from None


def _in_use_message(template: MessageTemplate, names: list[str]) -> str:
    shown = ", ".join(f"“{n}”" for n in names[:3])
    if len(names) > 3:
        shown += " and others"
    return (
        f"The template “{template.name}” is used by the campaign{'s' if len(names) > 1 else ''} "
        f"{shown} and cannot be deleted. Change or delete those campaigns first (deleted "
        "campaigns keep their template until they are purged)."
    )
