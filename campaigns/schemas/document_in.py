"""What the API reads: a campaign document, checked field by field.

Shape and formats (URLs, IANA time zones, HH:MM, button limits, splits, date order) are checked
here so a client gets every field error at once with its path; whether referenced ids belong
to the account and whether the name is free is decided by ``campaigns.services.crud``, which
the pages and the wizard share. ``CampaignIn.to_data`` turns a document into that service's
model-field dict.
"""

import zoneinfo
from datetime import datetime
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from campaigns.schemas.fields import (
    AudienceType,
    BlockOperator,
    ButtonType,
    CampaignType,
    Frequency,
    MessageType,
    TriggerType,
    Url,
    VariableName,
    VariableSource,
    WinnerCriteria,
    check_hh_mm,
    check_url,
    parse_hh_mm,
)
from campaigns.validation import (
    DELAY_HOURS_MAX,
    MAX_TEXT_LENGTH,
    MAX_VARIABLE,
    STEP_ID_MAX,
    VARIANT_KEY_MAX,
    VARIANT_NAME_MAX,
    button_count_problem,
    button_label_problem,
    button_value_problem,
    splits_problem,
    variable_source_problem,
)
from core.schemas import CamelSchema, Id, Moment, free_text


class CampaignButtonIn(CamelSchema):
    text: str = Field(min_length=1, max_length=100)
    type: ButtonType
    value: str = Field(default="", max_length=2000)

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        if problem := button_label_problem(value):
            raise ValueError(problem)
        return value.strip()

    @field_validator("value")
    @classmethod
    def _value(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if problem := button_value_problem(info.data.get("type"), value):
            raise ValueError(problem)
        return value


class VariantMessageIn(CamelSchema):
    """A message as variants and workflow steps hold it: what is not given falls back to the
    campaign's own message when sending."""

    type: MessageType = "text"
    content: str = Field(default="", max_length=MAX_TEXT_LENGTH)
    subject: str = Field(
        default="",
        max_length=255,
        description="E-mail only: the subject line; {{variables}} are filled per contact.",
    )
    template_id: Id | None = None
    variables: list[VariableName] = Field(
        default_factory=list,
        max_length=50,
        description="Template parameters in order, e.g. {{first_name}}. Left empty, they are "
        "read from the content (or the template) and answered filled.",
    )
    media_urls: list[Url] = Field(default_factory=list, max_length=10)
    buttons: list[CampaignButtonIn] = Field(default_factory=list)

    @field_validator("media_urls")
    @classmethod
    def _media_urls(cls, value: list[str]) -> list[str]:
        checked = [check_url(url) for url in value]
        if not all(checked):
            raise ValueError("A media URL cannot be blank.")
        return checked

    @field_validator("buttons")
    @classmethod
    def _buttons(cls, value: list[CampaignButtonIn]) -> list[CampaignButtonIn]:
        if problem := button_count_problem(value):
            raise ValueError(problem)
        return value

    def as_document(self) -> dict:
        """The message as stored inside variants and workflow steps: the spec's own keys, only
        those given, so the send path falls back to the campaign's message for the rest."""
        return self.model_dump(by_alias=True, exclude_unset=True)


class PersonalizationVariableIn(CamelSchema):
    """Where one ``{{variable}}`` of the message takes its value from, and its fallback."""

    source: VariableSource = Field(
        default="field",
        description="field: a contact field (value names it); attribute: a custom attribute "
        "(value is its key); text: fixed text (value is the text).",
    )
    value: str = Field(default="", max_length=500)
    fallback: str = Field(
        default="", max_length=500, description="Used when the contact has no value."
    )

    @field_validator("value")
    @classmethod
    def _value(cls, value: str, info: ValidationInfo) -> str:
        if problem := variable_source_problem(info.data.get("source"), value):
            raise ValueError(problem)
        return value


class PersonalizationBlockIn(CamelSchema):
    """A paragraph appended to the message when a contact field or attribute matches."""

    field: str = Field(
        max_length=MAX_VARIABLE + 10,
        pattern=r"^(field|attribute):[A-Za-z0-9_.-]+$",
        description="field:<contact field> or attribute:<key>",
    )
    operator: BlockOperator = "eq"
    value: str = Field(default="", max_length=200)
    text: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH)


class PersonalizationIn(CamelSchema):
    variables: dict[VariableName, PersonalizationVariableIn] = Field(
        default_factory=dict, max_length=50
    )
    blocks: list[PersonalizationBlockIn] = Field(default_factory=list, max_length=10)

    def as_stored(self) -> dict:
        """The shape ``campaigns.services.personalization`` reads."""
        return {
            "variables": {
                name: {"source": v.source, "value": v.value or "", "fallback": v.fallback}
                for name, v in self.variables.items()
            },
            "blocks": [
                {"field": b.field, "operator": b.operator, "value": b.value, "text": b.text}
                for b in self.blocks
            ],
        }


class CampaignMessageIn(VariantMessageIn):
    personalization: PersonalizationIn | None = Field(
        default=None,
        description="Variable mapping, fallbacks and conditional paragraphs; left out of a "
        "PUT, the stored ones stay.",
    )


class CampaignAudienceIn(CamelSchema):
    type: AudienceType = "all"
    segment_ids: list[Id] = Field(default_factory=list, max_length=100)
    custom_filters: dict[str, Any] = Field(default_factory=dict)
    exclude_unsubscribed: bool = True
    exclude_segment_ids: list[Id] = Field(default_factory=list, max_length=100)
    exclude_suppressed: bool = True
    frequency_cap_hours: int | None = Field(default=None, ge=1, le=24 * 366)


class CampaignSchedulingIn(CamelSchema):
    # Declared first so the date checks below can read it; naive dates are in this zone.
    timezone: str | None = Field(
        default=None, max_length=64, description="IANA name; the account's if absent."
    )
    send_now: bool = True
    start_date: Moment | None = None
    end_date: Moment | None = None
    frequency: Frequency = "once"
    delivery_time: str | None = Field(default=None, description="HH:MM")
    local_time_delivery: bool = False
    quiet_hours_start: str | None = Field(default=None, description="HH:MM")
    quiet_hours_end: str | None = Field(default=None, description="HH:MM")

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if value not in zoneinfo.available_timezones():
            raise ValueError(f"“{value}” is not a known time zone (use an IANA name).")
        return value

    @field_validator("end_date")
    @classmethod
    def _end_after_start(cls, value: datetime | None, info: ValidationInfo):
        start = info.data.get("start_date")
        if value is not None and start is not None:
            zone = zoneinfo.ZoneInfo(info.data.get("timezone") or "UTC")
            if _aware(value, zone) < _aware(start, zone):
                raise ValueError("The end date is before the start date.")
        return value

    @field_validator("delivery_time", "quiet_hours_start", "quiet_hours_end")
    @classmethod
    def _hh_mm(cls, value: str | None) -> str | None:
        return check_hh_mm(value)


def _aware(value: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


class CampaignVariantIn(CamelSchema):
    id: str = Field(
        min_length=1, max_length=VARIANT_KEY_MAX, description="The variant's key, e.g. A."
    )
    name: str = Field(min_length=1, max_length=VARIANT_NAME_MAX)
    message: VariantMessageIn = Field(default_factory=VariantMessageIn)
    split_percentage: int = Field(ge=0, le=100)
    winner: bool = False


class CampaignAbTestIn(CamelSchema):
    enabled: bool = False
    variants: list[CampaignVariantIn] = Field(default_factory=list)
    winner_criteria: WinnerCriteria = "clicks"

    @field_validator("variants")
    @classmethod
    def _variants(cls, value: list[CampaignVariantIn]) -> list[CampaignVariantIn]:
        keys = [v.id for v in value]
        if len(set(keys)) != len(keys):
            raise ValueError("Each variant needs its own id.")
        if problem := splits_problem(sum(v.split_percentage for v in value)):
            raise ValueError(problem)
        return value


class CampaignTriggerIn(CamelSchema):
    type: TriggerType
    condition: dict[str, Any] = Field(default_factory=dict)


class CampaignWorkflowStepIn(CamelSchema):
    step_id: str = Field(min_length=1, max_length=STEP_ID_MAX)
    delay_hours: int = Field(default=0, ge=0, le=DELAY_HOURS_MAX)
    message: VariantMessageIn = Field(default_factory=VariantMessageIn)
    conditions: list[dict[str, Any]] = Field(default_factory=list)


class CampaignAutomationIn(CamelSchema):
    enabled: bool = False
    triggers: list[CampaignTriggerIn] = Field(default_factory=list)
    workflow: list[CampaignWorkflowStepIn] = Field(default_factory=list)

    @field_validator("workflow")
    @classmethod
    def _unique_steps(cls, value: list[CampaignWorkflowStepIn]) -> list[CampaignWorkflowStepIn]:
        ids = [step.step_id for step in value]
        if len(set(ids)) != len(ids):
            raise ValueError("Each workflow step needs its own stepId.")
        return value


class CampaignIn(CamelSchema):
    """A whole campaign document: POST creates it, PUT replaces the editable parts with it."""

    name: str = Field(min_length=1, max_length=200)
    description: str = free_text(default="")
    type: CampaignType = "broadcast"
    phone_number_id: str | None = Field(
        default=None,
        max_length=64,
        description="The sender's phone number id (one of the account's senders).",
    )
    audience: CampaignAudienceIn = Field(default_factory=CampaignAudienceIn)
    message: CampaignMessageIn = Field(default_factory=CampaignMessageIn)
    scheduling: CampaignSchedulingIn = Field(default_factory=CampaignSchedulingIn)
    ab_test: CampaignAbTestIn = Field(default_factory=CampaignAbTestIn)
    automation: CampaignAutomationIn = Field(default_factory=CampaignAutomationIn)
    tracking_url: Url = ""
    webhook_url: Url = ""
    track_links: bool = Field(
        default=True,
        description="Links in the message become per-recipient tracked URLs "
        "(<PUBLIC_BASE_URL>/r/<token>) when the install has a public address.",
    )
    utm_source: str = Field(default="", max_length=100, description="Added to every link.")
    utm_medium: str = Field(default="", max_length=100, description="Added to every link.")
    utm_campaign: str = Field(default="", max_length=100, description="Added to every link.")

    @field_validator("utm_source", "utm_medium", "utm_campaign")
    @classmethod
    def _utm(cls, value: str) -> str:
        value = value.strip()
        if any(ch in value for ch in "\r\n\t"):
            raise ValueError("A UTM parameter is one line.")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("Give the campaign a name.")
        return value

    @field_validator("tracking_url", "webhook_url")
    @classmethod
    def _urls(cls, value: str) -> str:
        return check_url(value)

    def to_data(self) -> dict:
        """The model-field dict that ``campaign_create`` / ``campaign_update`` take."""
        audience, message, scheduling = self.audience, self.message, self.scheduling
        data = {
            "name": self.name,
            "description": self.description,
            "type": self.type,
            "phone_number_id": self.phone_number_id or "",
            "audience_type": audience.type,
            "segment_ids": audience.segment_ids,
            "custom_filters": audience.custom_filters,
            "exclude_unsubscribed": audience.exclude_unsubscribed,
            "exclude_segment_ids": audience.exclude_segment_ids,
            "exclude_suppressed": audience.exclude_suppressed,
            "frequency_cap_hours": audience.frequency_cap_hours,
            "message_type": message.type,
            "message_content": message.content,
            "subject": message.subject,
            "template_id": message.template_id,
            "message_variables": message.variables,
            "media_urls": message.media_urls,
            "buttons": [button.model_dump() for button in message.buttons],
            "send_now": scheduling.send_now,
            "start_date": scheduling.start_date,
            "end_date": scheduling.end_date,
            "frequency": scheduling.frequency,
            "delivery_time": parse_hh_mm(scheduling.delivery_time),
            "local_time_delivery": scheduling.local_time_delivery,
            "quiet_hours_start": parse_hh_mm(scheduling.quiet_hours_start),
            "quiet_hours_end": parse_hh_mm(scheduling.quiet_hours_end),
            "ab_enabled": self.ab_test.enabled,
            "winner_criteria": self.ab_test.winner_criteria,
            "variants": [
                {
                    "key": v.id,
                    "name": v.name,
                    "message": v.message.as_document(),
                    "split_percentage": v.split_percentage,
                    "is_winner": v.winner,
                }
                for v in self.ab_test.variants
            ],
            "automation_enabled": self.automation.enabled,
            "triggers": [
                {"type": t.type, "condition": t.condition} for t in self.automation.triggers
            ],
            "workflow": [
                {
                    "step_id": step.step_id,
                    "position": position,
                    "delay_hours": step.delay_hours,
                    "message": step.message.as_document(),
                    "conditions": step.conditions,
                }
                for position, step in enumerate(self.automation.workflow)
            ],
            "tracking_url": self.tracking_url,
            "webhook_url": self.webhook_url,
            "track_links": self.track_links,
            "utm_source": self.utm_source,
            "utm_medium": self.utm_medium,
            "utm_campaign": self.utm_campaign,
        }
        if scheduling.timezone:
            data["timezone"] = scheduling.timezone
        if message.personalization is not None:
            data["personalization"] = message.personalization.as_stored()
        return data
