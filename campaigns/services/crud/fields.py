"""The campaign's own fields as the crud service reads them: coerced, checked, with API paths.

What forms and the API hand over is coerced to the model's types (dates in the campaign's zone,
HH:MM times, JSON lists and objects) and checked against ``campaigns.validation``'s rules and
the model's own field checks; every problem is kept with the document's path, so the caller
gets all of them at once.
"""

import zoneinfo
from datetime import datetime, time
from typing import Any, TypedDict, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field

from accounts.models import Account
from audience.filters import FilterContext, filters_parse
from campaigns.models import Campaign
from campaigns.validation import (
    button_problems,
    hh_mm_problem,
    link_problem,
    subject_problem,
)
from core.errors import ValidationFailed

# Where each model field lives in the API's document, for error paths.
FIELD_PATHS = {
    "name": "name",
    "description": "description",
    "type": "type",
    "sender_id": "phoneNumberId",
    "phone_number_id": "phoneNumberId",
    "audience_type": "audience.type",
    "segment_ids": "audience.segmentIds",
    "custom_filters": "audience.customFilters",
    "exclude_unsubscribed": "audience.excludeUnsubscribed",
    "exclude_segment_ids": "audience.excludeSegmentIds",
    "exclude_suppressed": "audience.excludeSuppressed",
    "frequency_cap_hours": "audience.frequencyCapHours",
    "message_type": "message.type",
    "message_content": "message.content",
    "subject": "message.subject",
    "template_id": "message.templateId",
    "message_variables": "message.variables",
    "media_urls": "message.mediaUrls",
    "buttons": "message.buttons",
    "personalization": "message.personalization",
    "send_now": "scheduling.sendNow",
    "start_date": "scheduling.startDate",
    "end_date": "scheduling.endDate",
    "timezone": "scheduling.timezone",
    "frequency": "scheduling.frequency",
    "delivery_time": "scheduling.deliveryTime",
    "local_time_delivery": "scheduling.localTimeDelivery",
    "quiet_hours_start": "scheduling.quietHoursStart",
    "quiet_hours_end": "scheduling.quietHoursEnd",
    "ab_enabled": "abTest.enabled",
    "winner_criteria": "abTest.winnerCriteria",
    "variants": "abTest.variants",
    "automation_enabled": "automation.enabled",
    "triggers": "automation.triggers",
    "workflow": "automation.workflow",
    "tracking_url": "trackingUrl",
    "webhook_url": "webhookUrl",
    "track_links": "trackLinks",
    "utm_source": "utmSource",
    "utm_medium": "utmMedium",
    "utm_campaign": "utmCampaign",
}

SCALAR_FIELDS = frozenset(
    {
        "name",
        "description",
        "type",
        "audience_type",
        "custom_filters",
        "exclude_unsubscribed",
        "exclude_suppressed",
        "frequency_cap_hours",
        "message_type",
        "message_content",
        "subject",
        "message_variables",
        "media_urls",
        "buttons",
        "personalization",
        "send_now",
        "start_date",
        "end_date",
        "timezone",
        "frequency",
        "delivery_time",
        "local_time_delivery",
        "quiet_hours_start",
        "quiet_hours_end",
        "ab_enabled",
        "winner_criteria",
        "automation_enabled",
        "tracking_url",
        "webhook_url",
        "track_links",
        "utm_source",
        "utm_medium",
        "utm_campaign",
    }
)
RELATION_KEYS = frozenset(
    {
        "sender_id",
        "phone_number_id",
        "template_id",
        "segment_ids",
        "exclude_segment_ids",
        "variants",
        "triggers",
        "workflow",
    }
)
# Not part of the spec's document, so a full update (API PUT) leaves it alone unless given.
KEPT_ON_FULL_UPDATE = frozenset({"personalization"})
TEXT_FIELDS = (
    "name",
    "description",
    "message_content",
    "subject",
    "tracking_url",
    "webhook_url",
    "utm_source",
    "utm_medium",
    "utm_campaign",
)
TIME_FIELDS = ("delivery_time", "quiet_hours_start", "quiet_hours_end")
DATETIME_FIELDS = ("start_date", "end_date")
JSON_LISTS = ("message_variables", "media_urls", "buttons")
JSON_DICTS = ("custom_filters", "personalization")


class FieldProblem(TypedDict):
    field: str
    message: str


class Problems(list[FieldProblem]):
    def add(self, field: str, message: str) -> None:
        self.append({"field": field, "message": message})

    def fields(self) -> set[str]:
        return {p["field"] for p in self}

    def raise_if_any(self) -> None:
        if self:
            raise ValidationFailed(
                "The campaign was not saved: " + "; ".join(p["message"] for p in self),
                extra={"problems": list(self)},
            )


def check_keys(data: dict[str, Any]) -> None:
    unknown = set(data) - SCALAR_FIELDS - RELATION_KEYS
    if unknown:
        raise TypeError(f"Unknown campaign fields: {', '.join(sorted(unknown))}")
    if "sender_id" in data and "phone_number_id" in data:
        raise TypeError("Give either sender_id or phone_number_id, not both.")


def full_data(campaign: Campaign, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` completed with the defaults of every document field it leaves out."""
    values = dict(data)
    for name in SCALAR_FIELDS - KEPT_ON_FULL_UPDATE - set(values):
        if name == "timezone":
            values[name] = campaign.account.timezone
        else:
            values[name] = cast("Field[Any, Any]", Campaign._meta.get_field(name)).get_default()
    if "sender_id" not in values and "phone_number_id" not in values:
        values["sender_id"] = None
    values.setdefault("template_id", None)
    for name in ("segment_ids", "exclude_segment_ids", "variants", "triggers", "workflow"):
        values.setdefault(name, [])
    return values


def zone_named(name: object) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def normalise(name: str, value: Any, zone: zoneinfo.ZoneInfo, problems: Problems) -> Any:
    """Coerce what forms and the API hand over; problems for what cannot be read.

    ``value`` is whatever was handed over for field ``name``, and the answer is that field's
    value, so both are as wide as the model's fields."""
    path = FIELD_PATHS[name]
    if name in DATETIME_FIELDS:
        if value in (None, ""):
            return None
        if not isinstance(value, datetime):
            problems.add(path, "Give a date and time.")
            return None
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if name in TIME_FIELDS:
        if value in (None, ""):
            return None
        if isinstance(value, time):
            return value.replace(second=0, microsecond=0)
        if problem := hh_mm_problem(value):
            problems.add(path, problem)
            return None
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    if name in JSON_LISTS:
        if value is None:
            return []
        if not isinstance(value, list):
            problems.add(path, "Give a list.")
            return []
        return value
    if name in JSON_DICTS:
        if value is None:
            return {}
        if not isinstance(value, dict):
            problems.add(path, "Give an object.")
            return {}
        return value
    if name in TEXT_FIELDS:
        return (value or "").strip() if name != "message_content" else (value or "")
    return value


def check_scalars(campaign: Campaign, scalars: dict[str, Any], problems: Problems) -> None:
    if "name" in scalars and not scalars["name"]:
        problems.add("name", "Give the campaign a name.")
    for name in ("tracking_url", "webhook_url", "media_urls"):
        urls = scalars.get(name)
        urls = [urls] if isinstance(urls, str) else urls or []
        for index, url in enumerate(urls):
            suffix = f".{index}" if name == "media_urls" else ""
            if problem := link_problem(url):
                problems.add(FIELD_PATHS[name] + suffix, problem)
    if problem := subject_problem(scalars.get("subject", "")):
        problems.add("message.subject", problem)
    if "message_variables" in scalars:
        for index, variable in enumerate(scalars["message_variables"]):
            if not isinstance(variable, str):
                problems.add(f"message.variables.{index}", "A variable must be text.")
    if "buttons" in scalars:
        for path, problem in button_problems(scalars["buttons"], "message.buttons"):
            problems.add(path, problem)
    if scalars.get("custom_filters"):
        _check_filters(campaign.account, scalars["custom_filters"], problems)
    start = scalars.get("start_date", campaign.start_date)
    end = scalars.get("end_date", campaign.end_date)
    if start and end and end < start and "scheduling.endDate" not in problems.fields():
        problems.add("scheduling.endDate", "The end date is before the start date.")


def _check_filters(account: Account, tree: dict[str, Any], problems: Problems) -> None:
    """The audience engine's own grammar check, so a bad tree fails here, not at send time."""
    try:
        filters_parse(tree, context=FilterContext(account=account), path="audience.customFilters")
    except ValidationFailed as error:
        for problem in error.extra.get("problems", []):
            problems.add(problem["field"], problem["message"])


def check_name_free(campaign: Campaign, name: str, problems: Problems) -> None:
    # Serialise name checks per account so two concurrent saves cannot both take a name.
    list(Account.objects.select_for_update().filter(pk=campaign.account_id).values_list("pk"))
    clashes = list(
        Campaign.objects.for_account(campaign.account_id)
        .filter(name__iexact=name)
        .exclude(pk=campaign.pk)
        .values_list("deleted_at", flat=True)[:10]
    )
    if any(deleted_at is None for deleted_at in clashes):
        problems.add("name", f"A campaign named “{name}” already exists; choose another name.")
    elif clashes:
        problems.add(
            "name", f"A deleted campaign is named “{name}”; restore it or choose another name."
        )


def full_clean(campaign: Campaign, problems: Problems) -> None:
    """The model's own field checks (choices, lengths, time zone, URL fields)."""
    try:
        campaign.full_clean(
            exclude=["account", "sender", "template", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except DjangoValidationError as error:
        taken = problems.fields()
        for name, messages in error.message_dict.items():
            path = FIELD_PATHS.get(name, name)
            if path in taken or any(f.startswith(path + ".") for f in taken):
                continue
            for message in messages:
                problems.add(path, message)
