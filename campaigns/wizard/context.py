"""What each wizard page shows beside its form: reach, previews, time-zone previews, summary."""

import copy
import zoneinfo
from collections.abc import Iterable

from django.db.models import Count
from django.utils import timezone

from accounts.models import Account
from audience.builder import builder_config
from audience.filters.describe import filters_describe
from audience.models import AttributeDefinition, Contact, Segment
from campaigns.models import Campaign
from campaigns.services.personalization import message_builder
from campaigns.tracking import link_tracking_in_words
from campaigns.wizard.fields import CONTACT_FIELDS
from campaigns.wizard.forms import BasicsForm, StepForm
from core.errors import ValidationFailed
from core.public import public_base_url
from delivery import pacing
from templates_app.builder import MessageBuilder
from templates_app.models import MessageTemplate
from templates_app.rendering import template_variables
from templates_app.structure import TemplateStructure

SAMPLE_SIZE = 3
ZONES_SHOWN = 6


def message_variables(draft: Campaign | None) -> list[str]:
    """Every variable the draft's texts use, once, in order: the rows of step 4."""
    if draft is None:
        return []
    texts = [draft.message_content]
    texts += [(v.message or {}).get("content", "") for v in draft.variants.all()]
    texts += [(s.message or {}).get("content", "") for s in draft.workflow.all()]
    names: list[str] = []
    if draft.template is not None:
        # Header, body and dynamic URL buttons: every parameter the template's send fills.
        names += TemplateStructure.from_model(draft.template).variable_names
    for text in texts:
        try:
            found = template_variables(text or "")
        except ValidationFailed:
            continue
        names += [n for n in found if n not in names]
    return names


def sample_contacts(draft: Campaign | None) -> list[Contact]:
    if draft is None:
        return []
    from audience.selectors import audience_queryset

    try:
        return list(audience_queryset(campaign=draft).order_by("id")[:SAMPLE_SIZE])
    except ValidationFailed:
        return []


def message_samples(
    builder: MessageBuilder, contacts: Iterable[Contact]
) -> list[dict[str, object]]:
    """Each contact's message as the send builds it (or why it cannot be built for them)."""
    samples: list[dict[str, object]] = []
    for contact in contacts:
        try:
            shown = builder.preview(contact)
        except ValidationFailed as exc:
            samples.append({"contact": contact, "error": exc.message})
            continue
        samples.append(
            {
                "contact": contact,
                "text": shown["message"].text,
                "buttons": shown["buttons"],
                "media_url": shown["mediaUrl"],
            }
        )
    return samples


def previews(draft: Campaign | None) -> list[dict[str, object]]:
    """The message as the first few contacts of the audience will read it."""
    if draft is None:
        return []
    return message_samples(message_builder(draft), sample_contacts(draft))


def zone_preview(draft: Campaign | None, *, schedule: dict | None = None) -> list[dict]:
    """When the send lands in the audience's main time zones (by number of contacts).

    ``schedule`` is the scheduling step as typed (``SchedulingForm.to_data()``), not yet
    saved; without it, the draft's saved schedule. The times come from the pipeline's own
    functions (``first_run_at``, ``recipient_send_at``), so the table says what will happen.
    """
    if draft is None:
        return []
    from audience.selectors import audience_queryset
    from campaigns import timing

    try:
        rows = list(
            audience_queryset(campaign=draft)
            .exclude(timezone="")
            .values("timezone")
            .annotate(n=Count("id"))
            .order_by("-n", "timezone")[:ZONES_SHOWN]
        )
    except ValidationFailed:
        return []
    planned = copy.copy(draft)  # never saved: the typed values applied to a copy
    for name, value in (schedule or {}).items():
        setattr(planned, name, value)
    start = timing.first_run_at(planned)
    campaign_zone = timing.zone_of(planned.timezone)
    out = []
    for row in rows:
        zone = timing.zone_of(row["timezone"], planned.timezone)
        at = timing.recipient_send_at(
            start=start,
            zone=zone,
            campaign_zone=campaign_zone,
            delivery_time=planned.delivery_time,
            local_delivery=planned.local_time_delivery,
            quiet_start=planned.quiet_hours_start,
            quiet_end=planned.quiet_hours_end,
        )
        out.append({"zone": row["timezone"], "contacts": row["n"], "local": at.astimezone(zone)})
    return out


def schedule_in_words(c: Campaign) -> str:
    zone = c.timezone
    if c.send_now:
        when = "as soon as you press Send"
    elif c.start_date:
        local = timezone.localtime(c.start_date, zoneinfo.ZoneInfo(zone))
        when = f"on {local:%A %d %B %Y at %H:%M} ({zone})"
    else:
        when = "at a time not chosen yet"
    words = f"Sends {when}"
    if c.frequency != Campaign.Frequency.ONCE and c.delivery_time:
        words += f", then {c.get_frequency_display().lower()} at {c.delivery_time:%H:%M}"
        if c.end_date:
            words += f" until {timezone.localtime(c.end_date, zoneinfo.ZoneInfo(zone)):%d %B %Y}"
    if c.local_time_delivery:
        words += ", at that time in each recipient's own time zone"
    if c.quiet_hours_start and c.quiet_hours_end:
        words += (
            f"; nothing is delivered between {c.quiet_hours_start:%H:%M} and "
            f"{c.quiet_hours_end:%H:%M} local time"
        )
    return words + "."


def exclusions_in_words(c: Campaign) -> list[str]:
    """Who the audience leaves out, one phrase each (the review joins them with " · ")."""
    words = []
    if c.exclude_unsubscribed:
        words.append("unsubscribed contacts")
    if c.exclude_suppressed:
        words.append("the suppression list")
    words += [
        f"“{name}”" for name in c.exclude_segments.order_by("name").values_list("name", flat=True)
    ]
    if c.frequency_cap_hours:
        words.append(f"contacts messaged in the last {c.frequency_cap_hours} h")
    return words


def _templates_payload(account) -> dict:
    templates = MessageTemplate.objects.for_account(account).filter(
        status=MessageTemplate.Status.APPROVED
    )
    return {
        str(t.pk): {
            "name": t.name,
            "headerType": t.header_type,
            "header": t.header_text,
            "body": t.body,
            "footer": t.footer,
            "buttons": t.buttons or [],
            "variables": t.variables or [],
        }
        for t in templates
    }


def _variable_menu(account) -> list[dict]:
    attributes = AttributeDefinition.objects.for_account(account).values_list("key", "label")
    return [{"name": k, "label": label} for k, label in CONTACT_FIELDS] + [
        {"name": f"attributes.{k}", "label": label or k} for k, label in attributes
    ]


def for_step(
    step: str, *, form: StepForm, draft: Campaign | None, account: Account
) -> dict[str, object]:
    if step == "basics":
        return {"type_tips": BasicsForm.TIPS}
    if step == "audience":
        segments = Segment.objects.for_account(account).order_by("name")
        return {
            "segment_sizes": {s.pk: s.contact_count for s in segments},
            "reach": draft.estimated_reach if draft else None,
            "builder_config": builder_config(account=account),
        }
    if step == "message":
        return {
            "templates_payload": _templates_payload(account),
            "variable_menu": _variable_menu(account),
            "public_base_url": public_base_url(),
        }
    if step == "personalization":
        return {"previews": previews(draft)}
    if step == "scheduling":
        typed = form.to_data() if form.is_bound and form.is_valid() else None
        return {"zones": zone_preview(draft, schedule=typed)}
    if step == "review" and draft is not None:
        sample = previews(draft)
        return {
            "summary": draft,
            "exclusions": exclusions_in_words(draft),
            "filters_sentence": (
                filters_describe(draft.custom_filters, account=account)
                if draft.audience_type == Campaign.AudienceType.CUSTOM
                else ""
            ),
            "preview": sample[0] if sample else None,
            "schedule_words": schedule_in_words(draft),
            "link_tracking": link_tracking_in_words(draft),
            "variants": list(draft.variants.order_by("key")),
            "workflow": list(draft.workflow.order_by("position")),
            "triggers": list(draft.triggers.all()),
            "pacing": pacing.forecast(draft.sender, draft.estimated_reach)
            if draft.sender_id
            else None,
        }
    return {}
