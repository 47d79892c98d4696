"""A draft campaign read back into each step's initial values, so editing resumes a draft."""

import json

from django.utils import timezone as dj_timezone

from campaigns.models import Campaign


def _local(value, zone_name):
    import zoneinfo

    if value is None:
        return None
    return dj_timezone.localtime(value, zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)


def initial_for(step: str, campaign: Campaign) -> dict:
    builder = _BUILDERS.get(step)
    return builder(campaign) if builder else {}


def _basics(c: Campaign) -> dict:
    return {"name": c.name, "description": c.description, "type": c.type}


def _audience(c: Campaign) -> dict:
    return {
        "audience_type": c.audience_type,
        "segments": list(c.segments.values_list("pk", flat=True)),
        "custom_filters": json.dumps(c.custom_filters) if c.custom_filters else "",
        "exclude_unsubscribed": c.exclude_unsubscribed,
        "exclude_suppressed": c.exclude_suppressed,
        "exclude_segments": list(c.exclude_segments.values_list("pk", flat=True)),
        "frequency_cap_hours": c.frequency_cap_hours,
    }


def _message(c: Campaign) -> dict:
    initial = {
        "sender": c.sender_id,
        "message_type": c.message_type,
        "template": c.template_id,
        "message_content": c.message_content,
        "subject": c.subject,
        "media_urls": "\n".join(c.media_urls or []),
        "track_links": c.track_links,
        "utm_source": c.utm_source,
        "utm_medium": c.utm_medium,
        "utm_campaign": c.utm_campaign,
    }
    for i, button in enumerate((c.buttons or [])[:3]):
        initial[f"button_{i}_type"] = button.get("type", "quickreply")
        initial[f"button_{i}_text"] = button.get("text", "")
        initial[f"button_{i}_value"] = button.get("value", "")
    return initial


def _personalization(c: Campaign) -> dict:
    settings = c.personalization or {}
    initial = {}
    for name, mapping in (settings.get("variables") or {}).items():
        source = mapping.get("source", "field")
        initial[f"source__{name}"] = "text:" if source == "text" else f"{source}:{mapping['value']}"
        if source == "text":
            initial[f"text__{name}"] = mapping.get("value", "")
        initial[f"fallback__{name}"] = mapping.get("fallback", "")
    blocks = settings.get("blocks") or []
    if blocks:
        block = blocks[0]
        initial.update(
            condition_field=block.get("field", ""),
            condition_operator=block.get("operator", "eq"),
            condition_value=block.get("value", ""),
            condition_text=block.get("text", ""),
        )
    return initial


def _scheduling(c: Campaign) -> dict:
    return {
        "when": "now" if c.send_now else "later",
        "start_date": _local(c.start_date, c.timezone),
        "end_date": _local(c.end_date, c.timezone),
        "timezone": c.timezone,
        "frequency": c.frequency,
        "delivery_time": c.delivery_time,
        "local_time_delivery": c.local_time_delivery,
        "quiet_hours_start": c.quiet_hours_start,
        "quiet_hours_end": c.quiet_hours_end,
    }


def _variants(c: Campaign) -> dict:
    initial: dict[str, object] = {"winner_criteria": c.winner_criteria}
    for i, variant in enumerate(c.variants.order_by("key")[:5]):
        initial[f"variant_{i}_name"] = variant.name
        initial[f"variant_{i}_content"] = (variant.message or {}).get("content", "")
        initial[f"variant_{i}_split"] = variant.split_percentage
    return initial


def _sequence(c: Campaign) -> dict:
    initial = {}
    for i, step in enumerate(c.workflow.order_by("position")[:6]):
        initial[f"step_{i}_delay"] = step.delay_hours
        initial[f"step_{i}_content"] = (step.message or {}).get("content", "")
    return initial


def _automation(c: Campaign) -> dict:
    initial = _sequence(c)
    trigger = c.triggers.first()
    if trigger is not None:
        condition = trigger.condition or {}
        initial["trigger_type"] = trigger.type
        initial["trigger_value"] = (
            condition.get("tag") or condition.get("action") or condition.get("attribute") or ""
        )
        initial["trigger_offset_days"] = condition.get("offsetDays", 0)
    return initial


_BUILDERS = {
    "basics": _basics,
    "audience": _audience,
    "message": _message,
    "personalization": _personalization,
    "scheduling": _scheduling,
    "variants": _variants,
    "sequence": _sequence,
    "automation": _automation,
}
