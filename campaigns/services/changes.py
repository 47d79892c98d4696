"""What an edit changed, as the history shows it: "Audience: All contacts → Segments".

The crud service takes a ``snapshot`` before and after an edit and records ``changes_between``
in the "update" activity. Values are stored as the words a page shows (a segment's name, a
filter tree's sentence, a date in the campaign's zone), written at edit time: a later rename
or deletion does not rewrite the history.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time

from django.db.models import Field, QuerySet
from django.utils import timezone

from audience.models import Segment
from campaigns.models import Campaign

MAX_VALUE = 120  # characters kept of one value

LABELS = {
    "name": "Name",
    "description": "Description",
    "type": "Type",
    "sender": "Sender",
    "audience_type": "Audience",
    "segment_ids": "Segments",
    "custom_filters": "Custom filters",
    "exclude_unsubscribed": "Leave out unsubscribed contacts",
    "exclude_suppressed": "Leave out the suppression list",
    "exclude_segment_ids": "Excluded segments",
    "frequency_cap_hours": "Frequency cap (hours)",
    "message_type": "Message type",
    "message_content": "Message",
    "subject": "Subject",
    "template": "Template",
    "message_variables": "Variables",
    "media_urls": "Media",
    "buttons": "Buttons",
    "personalization": "Personalization",
    "send_now": "Send when published",
    "start_date": "Start",
    "end_date": "End",
    "timezone": "Time zone",
    "frequency": "Frequency",
    "delivery_time": "Delivery time",
    "local_time_delivery": "Local-time delivery",
    "quiet_hours_start": "Quiet hours from",
    "quiet_hours_end": "Quiet hours until",
    "ab_enabled": "A/B test",
    "winner_criteria": "Winner chosen by",
    "automation_enabled": "Automation",
    "variants": "Variants",
    "triggers": "Triggers",
    "workflow": "Steps",
    "tracking_url": "Tracking URL",
    "webhook_url": "Webhook URL",
    "track_links": "Track links",
    "utm_source": "UTM source",
    "utm_medium": "UTM medium",
    "utm_campaign": "UTM campaign",
}
RELATIONS = frozenset(
    {"sender", "template", "segment_ids", "exclude_segment_ids", "variants", "triggers", "workflow"}
)
# Shown as "changed" only: their old → new would not fit a history line.
COMPLEX = frozenset({"personalization", "variants", "triggers", "workflow", "buttons"})
NONE = "none"


def snapshot(campaign: Campaign) -> dict[str, str]:
    """Every tracked part of the campaign as display text (a few small queries)."""
    from audience.filters.describe import filters_describe

    values = {name: _scalar(campaign, name) for name in LABELS.keys() - RELATIONS}
    values["sender"] = str(campaign.sender) if campaign.sender_id else NONE
    values["template"] = campaign.template.name if campaign.template is not None else NONE
    if campaign.pk:
        values["segment_ids"] = _names(campaign.segments.order_by("name"))
        values["exclude_segment_ids"] = _names(campaign.exclude_segments.order_by("name"))
        values["variants"] = _count(campaign.variants.count(), "variant")
        values["triggers"] = _count(campaign.triggers.count(), "trigger")
        values["workflow"] = _count(campaign.workflow.count(), "step")
    values["custom_filters"] = (
        _cut(filters_describe(campaign.custom_filters, account=campaign.account))
        if campaign.custom_filters
        else NONE
    )
    values["personalization"] = ""
    return values


def changes_between(
    before: dict[str, str], after: dict[str, str], changed: list[str]
) -> list[dict[str, str]]:
    """One entry per changed part: ``{field, label, old, new}``; complex parts (and parts
    whose text did not change, such as a reworded variant) come without old and new."""
    entries: list[dict[str, str]] = []
    ordered = [name for name in LABELS if name in changed]
    for name in ordered + [name for name in dict.fromkeys(changed) if name not in LABELS]:
        entry = {"field": name, "label": LABELS.get(name, name.replace("_", " ").capitalize())}
        old, new = before.get(name), after.get(name)
        if name not in COMPLEX and old is not None and new is not None and old != new:
            entry.update(old=old, new=new)
        entries.append(entry)
    return entries


def _scalar(campaign: Campaign, name: str) -> str:
    value = getattr(campaign, name)
    field = Campaign._meta.get_field(name)
    if isinstance(field, Field) and field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if value is None or value == "" or value == [] or value == {}:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        zone = _zone(campaign.timezone)
        return f"{timezone.localtime(value, zone):%-d %b %Y, %H:%M} ({zone.key})"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, list):
        return _cut(", ".join(_item(v) for v in value))
    if isinstance(value, dict):
        return ""  # custom filters and personalization are described apart
    return _cut(str(value))


def _item(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or value.get("name") or value)
    return str(value)


def _names(queryset: QuerySet[Segment]) -> str:
    names = [f"“{name}”" for name in queryset.values_list("name", flat=True)]
    return _cut(", ".join(names)) if names else NONE


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
