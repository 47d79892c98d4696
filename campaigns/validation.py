"""Every rule a campaign's message must meet, and every limit, written once.

Four callers, each at its own moment, read the rules here:

- the API's input schemas (``campaigns.schemas``), field by field, so a client gets each error
  with its path before anything is looked up;
- the crud service (``campaigns.services.crud``), on the dicts that every writer hands it;
- the wizard's forms (``campaigns.wizard.forms``), on what a marketer typed, on its field;
- ``validate_campaign``, the whole verdict that the wizard's review, ``POST …/validate`` and
  publish share. Its WhatsApp part says what WhatsApp would refuse; the builder and the
  WhatsApp adapter hold the same line at send time, so a message that slipped past (data written
  around the guard) fails its recipients with the reason instead of reaching WhatsApp half-built.

Where the API, the service and the wizard have always worded one rule differently, each keeps
its sentence (clients and pages read them), side by side under the rule.

Meta's rules for interactive messages: reply buttons (at most 3, titles up to 20 characters and
different from each other, ids up to 256) or one URL button (``cta_url``), never both; call
buttons only in templates; a body of at most 1,024 characters; a header that is an image, a
video or a document. A text message with buttons is sent as an interactive one (the only way
WhatsApp shows buttons under a text), so the same rules apply to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Sized
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from audience.selectors import audience_queryset
from campaigns.message_source import message_source
from campaigns.models import Campaign
from core import urlguard
from core.errors import ApplicationError, ValidationFailed
from core.public import public_base_url
from messaging.models import Sender
from messaging.providers.email import unsubscribe_base_problem
from messaging.providers.sms import callback_base_problem
from messaging.providers.whatsapp import media_kind
from messaging.sms_segments import body_length_problem
from templates_app.personalization import personalization_blocks, variable_source
from templates_app.rendering import CONTACT_FIELDS, template_check
from templates_app.structure import (
    BUTTON_TYPES,
    MEDIA_HEADERS,
    REPLY_PAYLOAD_MAX,
    TemplateStructure,
)

# --- limits ------------------------------------------------------------------------------

# Types the send pipeline can deliver today. Drip sequences and automations can be built and
# saved as drafts, but publishing them is refused rather than sending only their first message.
SENDABLE_TYPES = frozenset({Campaign.Type.BROADCAST, Campaign.Type.AB_TEST})
# WhatsApp's rules hold for WhatsApp senders and for the sandbox, which stands in for one.
WHATSAPP_CHANNELS = frozenset({"whatsapp", "sandbox"})

MAX_BUTTONS = 3  # WhatsApp's reply buttons in one message
BUTTON_TITLE_MAX = 20
MAX_TEXT_LENGTH = 4096  # a WhatsApp text body
INTERACTIVE_BODY_MAX = 1024
CAPTION_MAX = 1024
MAX_URL = 200  # the URLField columns' length
MAX_VARIABLE = 100
# The document's child rows: a variant's key and name, a workflow step's id and its delay.
VARIANT_KEY_MAX = 32
VARIANT_NAME_MAX = 100
STEP_ID_MAX = 64
DELAY_HOURS_MAX = 24 * 366
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

_http_url = URLValidator(schemes=["http", "https"])


@dataclass
class Problem:
    field: str
    message: str
    step: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def add(self, field_name: str, message: str, step: str = "") -> None:
        self.problems.append(Problem(field_name, message, step))

    def raise_if_invalid(self) -> None:
        if self.problems:
            raise ValidationFailed(
                "The campaign is not ready: " + "; ".join(p.message for p in self.problems),
                extra={"problems": [p.as_dict() for p in self.problems]},
            )


# --- a message's fields, as the API and the crud service read them ----------------------


def is_http_url(value: object) -> bool:
    """An absolute http(s) URL, or blank (where a URL is optional)."""
    if not isinstance(value, str) or not value:
        return isinstance(value, str)
    try:
        _http_url(value)
    except DjangoValidationError:
        return False
    return True


def link_problem(value: object) -> str:
    """Why a link (tracking, webhook, media) cannot be kept, or "" (blank is kept)."""
    if not is_http_url(value):
        return f"“{value}” is not a valid http(s) URL."
    return (urlguard.url_problem(value) or "") if isinstance(value, str) and value else ""


def hh_mm_problem(value: object) -> str:
    if isinstance(value, str) and HH_MM.match(value):
        return ""
    return f"“{value}” is not a time of day in HH:MM (00:00 to 23:59)."


def button_count_problem(buttons: Sized) -> str:
    if len(buttons) > MAX_BUTTONS:
        return f"WhatsApp allows at most {MAX_BUTTONS} buttons."
    return ""


def button_label_problem(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        return "A button needs a label."
    if len(text.strip()) > BUTTON_TITLE_MAX:
        return f"A button label has at most {BUTTON_TITLE_MAX} characters."
    return ""


def button_value_problem(kind: object, value: str) -> str:
    """What a button of ``kind`` leads to: the API's words."""
    if kind == "url":
        return "A URL button needs the address to open." if not value else link_problem(value)
    if kind == "call" and not value:
        return "A call button needs the phone number to call."
    return ""


def button_problems(buttons: object, path: str) -> list[tuple[str, str]]:
    """A stored button list's problems as ``(path, message)``: the crud service's words."""
    if not isinstance(buttons, list):
        return [(path, "Give a list of buttons.")]
    out = []
    if problem := button_count_problem(buttons):
        out.append((path, problem))
    for index, button in enumerate(buttons):
        here = f"{path}.{index}"
        if not isinstance(button, dict):
            out.append((here, "A button is an object with text, type and value."))
            continue
        if problem := button_label_problem(button.get("text")):
            out.append((f"{here}.text", problem))
        kind = button.get("type")
        value = button.get("value") or ""
        if kind not in BUTTON_TYPES:
            out.append((f"{here}.type", f"A button's type is one of: {', '.join(BUTTON_TYPES)}."))
        elif kind == "url" and (not value or not is_http_url(value)):
            out.append((f"{here}.value", "A URL button needs a valid http(s) address."))
        elif kind == "url" and (refusal := urlguard.url_problem(value)):
            out.append((f"{here}.value", refusal))
        elif kind == "call" and not value:
            out.append((f"{here}.value", "A call button needs the phone number to call."))
    return out


def button_row_problems(*, kind: str, text: str, value: str) -> list[tuple[str, str]]:
    """One button row of the wizard's message step, as ``("text" | "value", message)``."""
    if not text:
        return [("text", "Give the button a label.")]
    out = []
    if kind == "url" and not value.startswith(("https://", "http://")):
        out.append(("value", "A URL button needs an http(s) address."))
    elif kind == "url" and (problem := urlguard.url_problem(value)):
        out.append(("value", problem))
    if kind == "call" and not value.lstrip("+").isdigit():
        out.append(("value", "A call button needs a phone number."))
    return out


def subject_problem(subject: str) -> str:
    """An e-mail's subject is one header line."""
    if "\n" in subject or "\r" in subject:
        return "The subject is one line: remove the line breaks."
    return ""


def variable_source_problem(source: object, value: str) -> str:
    """A variable mapped to a contact field names one; one mapped to an attribute, its key."""
    if source == "field" and value and value not in CONTACT_FIELDS:
        return f"A contact field is one of: {', '.join(CONTACT_FIELDS)}."
    if source == "attribute" and not value.strip():
        return "Give the attribute's key."
    return ""


def syntax_problem(text: str) -> str:
    """Why the message's variables and conditions cannot be rendered, or ""."""
    try:
        template_check(text)
    except ValidationFailed as exc:
        return exc.message
    return ""


def splits_problem(total: int) -> str:
    if total > 100:
        return f"Variant splits add up to {total}%, more than 100%."
    return ""


# --- what WhatsApp would refuse ----------------------------------------------------------


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _count(n: int) -> str:
    return f"{n:,}"


def interactive_problems(
    *, content: str, media_urls: Sequence[str] | None, buttons: Sequence[Any] | None
) -> list[Problem]:
    """(An empty text, or no button at all, are the campaign's own checks.)"""
    out: list[Problem] = []
    buttons = [b for b in buttons or [] if isinstance(b, dict)]
    text = (content or "").strip()
    if len(text) > INTERACTIVE_BODY_MAX:
        out.append(
            Problem(
                "content",
                f"A message with buttons has at most {_count(INTERACTIVE_BODY_MAX)} characters "
                f"of text on WhatsApp; this one has {_count(len(text))}.",
                "message",
            )
        )
    kinds = [str(b.get("type") or "quickreply") for b in buttons]
    titles: dict[str, int] = {}
    ids: dict[str, int] = {}
    for i, (button, kind) in enumerate(zip(buttons, kinds, strict=True)):
        title = str(button.get("text") or "").strip()
        if kind == "call":
            out.append(
                Problem(
                    f"buttons.{i}.type",
                    "WhatsApp sends call buttons only in approved templates: use a template "
                    "with this button, or remove it.",
                    "message",
                )
            )
        if not title:
            out.append(Problem(f"buttons.{i}.text", "Give the button a label.", "message"))
        elif len(title) > BUTTON_TITLE_MAX:
            out.append(
                Problem(
                    f"buttons.{i}.text",
                    f"A button label has at most {BUTTON_TITLE_MAX} characters on WhatsApp; "
                    f"this one has {len(title)}.",
                    "message",
                )
            )
        if kind != "quickreply":
            continue
        if title and titles.setdefault(title.casefold(), i) != i:
            out.append(
                Problem(
                    f"buttons.{i}.text",
                    f"Two reply buttons are labelled “{title}”: WhatsApp needs different labels.",
                    "message",
                )
            )
        reply_id = str(button.get("value") or title).strip()
        if len(reply_id) > REPLY_PAYLOAD_MAX:
            out.append(
                Problem(
                    f"buttons.{i}.value",
                    f"A reply button's value has at most {REPLY_PAYLOAD_MAX} characters.",
                    "message",
                )
            )
        elif reply_id and ids.setdefault(reply_id, i) != i:
            out.append(
                Problem(
                    f"buttons.{i}.value",
                    f"Two reply buttons answer “{reply_id}”: give each its own value.",
                    "message",
                )
            )
    urls, replies = kinds.count("url"), kinds.count("quickreply")
    if urls and replies:
        out.append(
            Problem(
                "buttons",
                "WhatsApp cannot show a URL button and reply buttons in one message: keep the "
                "URL button alone or only reply buttons (an approved template can have both).",
                "message",
            )
        )
    elif urls > 1:
        out.append(
            Problem("buttons", "A message can have only one URL button on WhatsApp.", "message")
        )
    media = [u for u in media_urls or [] if u]
    if len(media) > 1:
        out.append(
            Problem(
                "mediaUrls",
                "A message with buttons carries one picture, video or document (above its text).",
                "message",
            )
        )
    elif media and media_kind(media[0]) not in MEDIA_HEADERS:
        out.append(
            Problem(
                "mediaUrls.0",
                "Above a message with buttons WhatsApp shows an image, a video or a document, "
                "not audio.",
                "message",
            )
        )
    return out


def media_problems(*, content: str, media_urls: Sequence[str] | None) -> list[Problem]:
    media = [u for u in media_urls or [] if u]
    text = (content or "").strip()
    if not media or not text:
        return []
    if media_kind(media[0]) == "audio":
        message = (
            "WhatsApp sends audio without a caption: remove the text, or send it in a message "
            "of its own."
        )
        return [Problem("content", message, "message")]
    if len(text) > CAPTION_MAX:
        message = (
            f"A caption has at most {_count(CAPTION_MAX)} characters on WhatsApp; this one has "
            f"{_count(len(text))}."
        )
        return [Problem("content", message, "message")]
    return []


def template_problems(
    *,
    template: TemplateStructure,
    personalization: dict[str, Any] | None,
    media_urls: Sequence[str] | None,
) -> list[Problem]:
    """Every parameter needs a source or a fallback; a media header needs its media."""
    out: list[Problem] = []
    seen: set[str] = set()
    for parameter in template.parameters:
        if parameter.name in seen:
            continue
        seen.add(parameter.name)
        if not variable_source(parameter.name, personalization):
            out.append(
                Problem(
                    f"personalization.variables.{parameter.name}",
                    f"The template's {parameter.label} has no value: map it to a contact field, "
                    "an attribute or fixed text, or give it a fallback.",
                    "personalization",
                )
            )
    if template.header_type in MEDIA_HEADERS:
        header = template.header_type
        media = [u for u in media_urls or [] if u]
        if not media and not template.header_media_url:
            message = f"The template has {_a(header)} header: add the {header} to send with it."
            out.append(Problem("mediaUrls", message, "message"))
        elif media and (kind := media_kind(media[0])) != header:
            message = f"The template's header is {_a(header)}; this file is {_a(kind)}."
            out.append(Problem("mediaUrls.0", message, "message"))
    if personalization_blocks(personalization):
        out.append(
            Problem(
                "personalization.blocks",
                "Conditional paragraphs cannot be added to an approved template: WhatsApp sends "
                "the template's own text. Use a text message for them, or remove them.",
                "personalization",
            )
        )
    return out


def message_problems(
    *,
    kind: str,
    content: str,
    media_urls: Sequence[str] | None,
    buttons: Sequence[Any] | None,
    template: TemplateStructure | None,
    personalization: dict[str, Any] | None,
) -> list[Problem]:
    """All of the above that apply to a message of ``kind``; fields are below the message
    (``buttons.1.text``), or ``personalization…``."""
    if kind == "template":
        if template is None:
            return []
        return template_problems(
            template=template, personalization=personalization, media_urls=media_urls
        )
    if kind == "interactive" or (kind == "text" and buttons):
        return interactive_problems(content=content, media_urls=media_urls, buttons=buttons)
    if kind == "media":
        return media_problems(content=content, media_urls=media_urls)
    return []


def campaign_message_problems(campaign: Campaign) -> list[Problem]:
    """The rules above for the campaign's message and each A/B variant's, with API paths."""
    if campaign.sender is not None and campaign.sender.channel not in WHATSAPP_CHANNELS:
        return []
    messages = [("message", message_source(campaign))]
    if campaign.pk is not None:
        for i, variant in enumerate(campaign.variants.order_by("key")):
            messages.append(
                (f"abTest.variants.{i}.message", message_source(campaign, variant.message))
            )
    out: list[Problem] = []
    template_checked = False
    for prefix, source in messages:
        if source.type == "template":
            # One template and one mapping per campaign: report its problems once.
            if template_checked:
                continue
            template_checked = True
            prefix = "message"
        problems = message_problems(
            kind=source.type,
            content=source.content,
            media_urls=source.media_urls,
            buttons=source.buttons,
            template=source.template,
            personalization=source.personalization,
        )
        out += [Problem(f"{prefix}.{p.field}", p.message, p.step) for p in problems]
    return out


# --- the whole campaign: review, POST …/validate and publish -----------------------------


def validate_campaign(*, campaign: Campaign) -> ValidationResult:
    result = ValidationResult()
    _basics(campaign, result)
    _audience(campaign, result)
    _message(campaign, result)
    _sms(campaign, result)
    _scheduling(campaign, result)
    _type_specific(campaign, result)
    return result


def _basics(campaign: Campaign, result: ValidationResult) -> None:
    if not campaign.name.strip():
        result.add("name", "Give the campaign a name.", "basics")
    problem = type_problem(campaign)
    if problem:
        result.add("type", problem, "basics")


def type_problem(campaign: Campaign) -> str:
    """Why the pipeline cannot send this campaign's type, or "" when it can.

    Also the pipeline's own safety net: a campaign that reached ``running`` around the guard
    (old demo data, a hand edit) is never materialised as a broadcast.
    """
    if campaign.type in SENDABLE_TYPES:
        return ""
    label = Campaign.Type(campaign.type).label.lower()
    return (
        f"Sending {label} campaigns is not available yet: the sequence is saved with the "
        "draft and can be sent once scheduled steps ship."
    )


def _audience(campaign: Campaign, result: ValidationResult) -> None:
    if campaign.pk is None:
        return
    before = len(result.problems)
    if campaign.audience_type == Campaign.AudienceType.SEGMENT and not campaign.segments.exists():
        result.add("audience.segmentIds", "Pick at least one segment.", "audience")
    if campaign.audience_type == Campaign.AudienceType.CUSTOM and not (
        campaign.custom_filters or {}
    ).get("rules"):
        result.add("audience.customFilters", "Add at least one filter rule.", "audience")
    if len(result.problems) > before or campaign.status != Campaign.Status.DRAFT:
        return  # once started, the recipients are the materialised rows, not the audience
    try:
        empty = not audience_queryset(campaign=campaign).exists()
    except ApplicationError as exc:
        result.add("audience", exc.message, "audience")
        return
    if empty:
        result.add(
            "audience",
            "Nobody is in this audience now (after the exclusions), so publishing it would "
            "send nothing. Pick other segments, change the filters or the exclusions.",
            "audience",
        )


def _message(campaign: Campaign, result: ValidationResult) -> None:
    sender = campaign.sender
    if sender is None:
        result.add("phoneNumberId", "Choose the sender (phone number) to send from.", "message")
    elif not sender.is_active:
        result.add("phoneNumberId", f"The sender “{sender.name}” is disabled.", "message")
    kind = campaign.message_type
    if kind == Campaign.MessageType.TEMPLATE:
        template = campaign.template
        if template is None:
            result.add("message.templateId", "Choose a message template.", "message")
        elif template.status != template.Status.APPROVED:
            result.add(
                "message.templateId",
                f"The template “{template.name}” is not approved yet ({template.status}).",
                "message",
            )
        elif problem := tracked_template_problem(campaign):
            result.add("trackLinks", problem, "message")
    elif not campaign.message_content.strip() and kind != Campaign.MessageType.MEDIA:
        result.add("message.content", "Write the message text.", "message")
    if kind == Campaign.MessageType.MEDIA and not campaign.media_urls:
        result.add("message.mediaUrls", "Add the image, video or document to send.", "message")
    if kind == Campaign.MessageType.INTERACTIVE and not campaign.buttons:
        result.add(
            "message.buttons", "An interactive message needs at least one button.", "message"
        )
    if problem := button_count_problem(campaign.buttons or []):
        result.add("message.buttons", problem, "message")
    if sender is not None and sender.channel == sender.Channel.EMAIL:
        _email(campaign, result)
    if len(campaign.message_content) > MAX_TEXT_LENGTH:
        result.add(
            "message.content",
            f"The message is longer than {MAX_TEXT_LENGTH} characters.",
            "message",
        )
    result.problems += campaign_message_problems(campaign)
    # Checked again at publish: a link saved earlier may now resolve somewhere forbidden.
    links = urlguard.message_url_problems(media_urls=campaign.media_urls, buttons=campaign.buttons)
    for key, reason in links:
        result.add(f"message.{key}", reason, "message")
    for key, link in (("trackingUrl", campaign.tracking_url), ("webhookUrl", campaign.webhook_url)):
        if link and (refusal := urlguard.url_problem(link)):
            result.add(key, refusal, "basics")


def tracked_template_problem(campaign: Campaign) -> str:
    """A template approved with a URL button through our redirect (``<base>/r/{{1}}``) sends
    the recipient's token as that parameter: with tracking off, the button would lead nowhere."""
    base = public_base_url()
    if campaign.track_links or not base or campaign.template is None:
        return ""
    redirect = f"{base}/r/"
    for button in campaign.template.buttons or []:
        if isinstance(button, dict) and str(button.get("value") or "").startswith(redirect):
            return (
                f"The template “{campaign.template.name}” has a button that opens a tracked "
                "link: turn link tracking on, or it would lead nowhere."
            )
    return ""


def _sms(campaign: Campaign, result: ValidationResult) -> None:
    """Twilio's rules: statuses need a callback address it can reach, and it refuses every body
    over 1,600 characters (error 21617). Bodies are counted as written, variables included;
    one that personalisation lengthens past the limit fails alone, unsent (the SMS adapter)."""
    sender = campaign.sender
    if sender is None or sender.channel != Sender.Channel.SMS:
        return
    if problem := callback_base_problem():
        result.add("phoneNumberId", problem, "message")
    body = campaign.message_content
    if not body and campaign.message_type == Campaign.MessageType.TEMPLATE and campaign.template:
        body = campaign.template.body
    if problem := body_length_problem(body):
        result.add("message.content", problem, "message")
    if campaign.pk is None or campaign.type != Campaign.Type.AB_TEST:
        return
    for index, variant in enumerate(campaign.variants.all()):
        message = variant.message if isinstance(variant.message, dict) else {}
        if problem := body_length_problem(str(message.get("content") or "")):
            result.add(f"abTest.variants.{index}.message.content", problem, "variants")


def _email(campaign: Campaign, result: ValidationResult) -> None:
    if not campaign.subject.strip():
        result.add("message.subject", "Write the e-mail's subject.", "message")
    if problem := unsubscribe_base_problem():
        result.add("phoneNumberId", problem, "message")


def _scheduling(campaign: Campaign, result: ValidationResult) -> None:
    if campaign.send_now:
        return
    if campaign.start_date is None:
        result.add("scheduling.startDate", "Pick the date and time to send.", "scheduling")
    elif campaign.status == Campaign.Status.DRAFT and campaign.start_date <= timezone.now():
        result.add("scheduling.startDate", "The start date is in the past.", "scheduling")
    if campaign.end_date and campaign.start_date and campaign.end_date < campaign.start_date:
        result.add("scheduling.endDate", "The end date is before the start date.", "scheduling")
    if campaign.frequency != Campaign.Frequency.ONCE and campaign.delivery_time is None:
        result.add(
            "scheduling.deliveryTime", "A recurring campaign needs a delivery time.", "scheduling"
        )


def _type_specific(campaign: Campaign, result: ValidationResult) -> None:
    if campaign.pk is None:
        return
    if campaign.type == Campaign.Type.AB_TEST:
        splits = list(campaign.variants.values_list("split_percentage", flat=True))
        if len(splits) < 2:
            result.add("abTest.variants", "An A/B test needs at least two variants.", "variants")
        elif sum(splits) != 100:
            result.add(
                "abTest.variants",
                f"Variant splits add up to {sum(splits)}%, not 100%.",
                "variants",
            )
    if campaign.type in (Campaign.Type.DRIP, Campaign.Type.AUTOMATION):
        if not campaign.workflow.exists():
            result.add("automation.workflow", "Add at least one step to the sequence.", "workflow")
    if campaign.type == Campaign.Type.AUTOMATION and not campaign.triggers.exists():
        result.add("automation.triggers", "An automation needs at least one trigger.", "workflow")
