"""``validate_campaign``: the one check that the wizard's review, the API and publish share."""

from dataclasses import dataclass, field

from django.utils import timezone

from audience.selectors import audience_queryset
from campaigns.models import Campaign
from campaigns.services import message_rules
from core import urlguard
from core.errors import ApplicationError, ValidationFailed
from messaging.models import Sender
from messaging.providers.sms import callback_base_problem
from messaging.sms_segments import body_length_problem

# Types the send pipeline can deliver today. Drip sequences and automations can be built and
# saved as drafts, but publishing them is refused rather than sending only their first message.
SENDABLE_TYPES = frozenset({Campaign.Type.BROADCAST, Campaign.Type.AB_TEST})

# WhatsApp's limits for interactive reply buttons and a text body.
MAX_BUTTONS = 3
MAX_TEXT_LENGTH = 4096


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
    elif not campaign.message_content.strip() and kind != Campaign.MessageType.MEDIA:
        result.add("message.content", "Write the message text.", "message")
    if kind == Campaign.MessageType.MEDIA and not campaign.media_urls:
        result.add("message.mediaUrls", "Add the image, video or document to send.", "message")
    if kind == Campaign.MessageType.INTERACTIVE and not campaign.buttons:
        result.add(
            "message.buttons", "An interactive message needs at least one button.", "message"
        )
    if len(campaign.buttons or []) > MAX_BUTTONS:
        result.add("message.buttons", f"WhatsApp allows at most {MAX_BUTTONS} buttons.", "message")
    if sender is not None and sender.channel == sender.Channel.EMAIL:
        _email(campaign, result)
    if len(campaign.message_content) > MAX_TEXT_LENGTH:
        result.add(
            "message.content",
            f"The message is longer than {MAX_TEXT_LENGTH} characters.",
            "message",
        )
    for key, problem, step in message_rules.campaign_message_problems(campaign):
        result.add(key, problem, step)
    # Checked again at publish: a link saved earlier may now resolve somewhere forbidden.
    links = urlguard.message_url_problems(media_urls=campaign.media_urls, buttons=campaign.buttons)
    for key, problem in links:
        result.add(f"message.{key}", problem, "message")
    for key, link in (("trackingUrl", campaign.tracking_url), ("webhookUrl", campaign.webhook_url)):
        if link and (refusal := urlguard.url_problem(link)):
            result.add(key, refusal, "basics")


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
    from messaging.providers.email import unsubscribe_base_problem

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
