"""The Campaign document of the spec as the API reads and writes it (camelCase JSON).

Input schemas check shape and formats (URLs, IANA time zones, HH:MM, button limits, splits,
date order) so a client gets every field error at once with its path; whether referenced ids
belong to the account and whether the name is free is decided by ``campaigns.services.crud``,
which the pages and the wizard share. ``CampaignIn.to_data`` turns a document into that
service's model-field dict. Read-only parts (status, stats, estimatedReach, errorLog, the
timestamps) exist only on ``CampaignOut``; a client that sends them is ignored, not refused.
"""

import zoneinfo
from datetime import datetime, time
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator

from campaigns.models import Campaign
from campaigns.selectors import SORTS
from campaigns.validation import (
    DELAY_HOURS_MAX,
    MAX_TEXT_LENGTH,
    MAX_URL,
    MAX_VARIABLE,
    STEP_ID_MAX,
    VARIANT_KEY_MAX,
    VARIANT_NAME_MAX,
    button_count_problem,
    button_label_problem,
    button_value_problem,
    hh_mm_problem,
    link_problem,
    splits_problem,
    variable_source_problem,
)
from core.errors import ValidationFailed
from core.schemas import CamelSchema, Id, Moment, PageNumber, free_text
from templates_app.rendering import template_variables
from templates_app.structure import TemplateStructure

CampaignType = Literal["broadcast", "drip", "automation", "ab-test"]
CampaignStatus = Literal["draft", "scheduled", "running", "paused", "completed", "failed"]
AudienceType = Literal["all", "segment", "custom"]
MessageType = Literal["text", "template", "media", "interactive"]
ButtonType = Literal["call", "url", "quickreply"]
Frequency = Literal["once", "daily", "weekly", "monthly"]
WinnerCriteria = Literal["clicks", "conversions", "engagement"]
TriggerType = Literal["user_action", "tag_added", "date_based"]
SortKey = Literal[tuple(SORTS)]  # type: ignore[valid-type]
VariableSource = Literal["field", "attribute", "text"]
BlockOperator = Literal["eq", "neq", "exists"]
Url = Annotated[str, Field(max_length=MAX_URL)]
VariableName = Annotated[str, Field(min_length=1, max_length=MAX_VARIABLE)]


def check_url(value: str | None) -> str:
    """Blank stays blank; anything else must be an absolute http(s) URL."""
    value = (value or "").strip()
    if problem := link_problem(value):
        raise ValueError(problem)
    return value


def check_hh_mm(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if problem := hh_mm_problem(value):
        raise ValueError(problem)
    return value


def parse_hh_mm(value: str | None) -> time | None:
    if not value:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def format_hh_mm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


# --- input -------------------------------------------------------------------------------


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
        }
        if scheduling.timezone:
            data["timezone"] = scheduling.timezone
        if message.personalization is not None:
            data["personalization"] = message.personalization.as_stored()
        return data


class CampaignListQuery(CamelSchema):
    page: PageNumber = 1
    page_size: int = Field(default=20, ge=1, le=100)
    status: CampaignStatus | None = None
    type: CampaignType | None = None
    q: str = Field(default="", max_length=200)
    sort: SortKey = "-created"

    @field_validator("status", "type", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return value or None


# --- output ------------------------------------------------------------------------------


class CampaignButtonOut(CamelSchema):
    text: str
    type: str
    value: str = ""


class CampaignAudienceOut(CamelSchema):
    type: AudienceType
    segment_ids: list[int]
    custom_filters: dict[str, Any]
    exclude_unsubscribed: bool
    exclude_segment_ids: list[int]
    exclude_suppressed: bool
    frequency_cap_hours: int | None
    estimated_reach: int


class PersonalizationVariableOut(CamelSchema):
    source: str
    value: str
    fallback: str


class PersonalizationBlockOut(CamelSchema):
    field: str
    operator: str
    value: str
    text: str


class PersonalizationOut(CamelSchema):
    variables: dict[str, PersonalizationVariableOut]
    blocks: list[PersonalizationBlockOut]


class CampaignMessageOut(CamelSchema):
    type: MessageType
    content: str
    subject: str
    template_id: int | None
    variables: list[str]
    media_urls: list[str]
    buttons: list[CampaignButtonOut]
    personalization: PersonalizationOut


class CampaignSchedulingOut(CamelSchema):
    send_now: bool
    start_date: datetime | None
    end_date: datetime | None
    timezone: str
    frequency: Frequency
    delivery_time: str | None
    local_time_delivery: bool
    quiet_hours_start: str | None
    quiet_hours_end: str | None


class CampaignVariantOut(CamelSchema):
    id: str
    name: str
    message: dict[str, Any]
    split_percentage: int
    winner: bool


class CampaignAbTestOut(CamelSchema):
    enabled: bool
    variants: list[CampaignVariantOut]
    winner_criteria: WinnerCriteria


class CampaignTriggerOut(CamelSchema):
    type: TriggerType
    condition: dict[str, Any]


class CampaignWorkflowStepOut(CamelSchema):
    step_id: str
    delay_hours: int
    message: dict[str, Any]
    conditions: list[Any]


class CampaignAutomationOut(CamelSchema):
    enabled: bool
    triggers: list[CampaignTriggerOut]
    workflow: list[CampaignWorkflowStepOut]


class CampaignStatsOut(CamelSchema):
    total_recipients: int
    total_sent: int
    total_delivered: int
    total_failed: int
    total_opened: int
    total_clicked: int
    total_converted: int
    delivery_rate: float
    open_rate: float
    click_rate: float
    conversion_rate: float
    estimated_revenue: float


class CampaignErrorLogOut(CamelSchema):
    timestamp: datetime
    error_type: str
    message: str
    count: int


class CampaignOut(CamelSchema):
    id: int
    account_id: int
    phone_number_id: str | None
    name: str
    description: str
    type: CampaignType
    status: CampaignStatus
    status_reason: str
    audience: CampaignAudienceOut
    message: CampaignMessageOut
    scheduling: CampaignSchedulingOut
    ab_test: CampaignAbTestOut
    automation: CampaignAutomationOut
    stats: CampaignStatsOut
    tracking_url: str
    webhook_url: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    error_log: list[CampaignErrorLogOut]

    @classmethod
    def from_campaign(cls, campaign: Campaign) -> "CampaignOut":
        """Build from a campaign loaded with ``DOCUMENT_PREFETCH`` (no query per part then)."""
        c = campaign
        return cls(
            id=c.pk,
            account_id=c.account_id,
            phone_number_id=c.sender.phone_number_id if c.sender_id else None,
            name=c.name,
            description=c.description,
            type=c.type,
            status=c.status,
            status_reason=c.status_reason,
            audience=CampaignAudienceOut(
                type=c.audience_type,
                segment_ids=sorted(s.pk for s in c.segments.all()),
                custom_filters=c.custom_filters or {},
                exclude_unsubscribed=c.exclude_unsubscribed,
                exclude_segment_ids=sorted(s.pk for s in c.exclude_segments.all()),
                exclude_suppressed=c.exclude_suppressed,
                frequency_cap_hours=c.frequency_cap_hours,
                estimated_reach=c.estimated_reach,
            ),
            message=CampaignMessageOut(
                type=c.message_type,
                content=c.message_content,
                subject=c.subject,
                template_id=c.template_id,
                variables=message_variables(c),
                media_urls=[str(url) for url in c.media_urls or []],
                buttons=[CampaignButtonOut(**_button(b)) for b in c.buttons or [] if b],
                personalization=_personalization(c.personalization),
            ),
            scheduling=CampaignSchedulingOut(
                send_now=c.send_now,
                start_date=c.start_date,
                end_date=c.end_date,
                timezone=c.timezone,
                frequency=c.frequency,
                delivery_time=format_hh_mm(c.delivery_time),
                local_time_delivery=c.local_time_delivery,
                quiet_hours_start=format_hh_mm(c.quiet_hours_start),
                quiet_hours_end=format_hh_mm(c.quiet_hours_end),
            ),
            ab_test=CampaignAbTestOut(
                enabled=c.ab_enabled,
                variants=[
                    CampaignVariantOut(
                        id=v.key,
                        name=v.name,
                        message=v.message or {},
                        split_percentage=v.split_percentage,
                        winner=v.is_winner,
                    )
                    for v in c.variants.all()
                ],
                winner_criteria=c.winner_criteria,
            ),
            automation=CampaignAutomationOut(
                enabled=c.automation_enabled,
                triggers=[
                    CampaignTriggerOut(type=t.type, condition=t.condition) for t in c.triggers.all()
                ],
                workflow=[
                    CampaignWorkflowStepOut(
                        step_id=s.step_id,
                        delay_hours=s.delay_hours,
                        message=s.message or {},
                        conditions=s.conditions or [],
                    )
                    for s in c.workflow.all()
                ],
            ),
            stats=CampaignStatsOut(
                total_recipients=c.total_recipients,
                total_sent=c.total_sent,
                total_delivered=c.total_delivered,
                total_failed=c.total_failed,
                total_opened=c.total_opened,
                total_clicked=c.total_clicked,
                total_converted=c.total_converted,
                delivery_rate=c.delivery_rate,
                open_rate=c.open_rate,
                click_rate=c.click_rate,
                conversion_rate=c.conversion_rate,
                estimated_revenue=float(c.estimated_revenue),
            ),
            tracking_url=c.tracking_url,
            webhook_url=c.webhook_url,
            created_by=c.created_by_api_key
            or (c.created_by.get_username() if c.created_by_id else None),
            created_at=c.created_at,
            updated_at=c.updated_at,
            started_at=c.started_at,
            completed_at=c.completed_at,
            error_log=[
                CampaignErrorLogOut(
                    timestamp=e.timestamp, error_type=e.error_type, message=e.message, count=e.count
                )
                for e in c.error_log.all()
            ],
        )


def _button(raw) -> dict:
    raw = raw if isinstance(raw, dict) else {"text": str(raw)}
    return {
        "text": str(raw.get("text", "")),
        "type": str(raw.get("type", "")),
        "value": str(raw.get("value", "")),
    }


def message_variables(campaign: Campaign) -> list[str]:
    """The message's variables: those stored, else the ones its text uses, in order, as
    ``{{name}}`` — for a template message, the template's own, as the send path fills them."""
    stored = campaign.message_variables
    if isinstance(stored, list) and stored:
        return [str(v) for v in stored]
    if campaign.message_type == Campaign.MessageType.TEMPLATE and campaign.template_id:
        names = TemplateStructure.from_model(campaign.template).variable_names
    else:
        try:
            names = template_variables(campaign.message_content)
        except ValidationFailed:  # a syntax error: the review step reports it
            names = []
    return [f"{{{{{name}}}}}" for name in names]


def _personalization(stored) -> PersonalizationOut:
    """The stored mapping as the API shows it, whatever an older writer left in it."""
    stored = stored if isinstance(stored, dict) else {}
    variables = stored.get("variables") if isinstance(stored.get("variables"), dict) else {}
    blocks = stored.get("blocks") if isinstance(stored.get("blocks"), list) else []
    legacy = stored.get("fallbacks") if isinstance(stored.get("fallbacks"), dict) else {}
    out_variables = {
        str(name): PersonalizationVariableOut(
            source=str(m.get("source") or "field"),
            value=str(m.get("value") or ""),
            fallback=str(m.get("fallback") or legacy.get(name) or ""),
        )
        for name, m in variables.items()
        if isinstance(m, dict)
    }
    for name, fallback in legacy.items():
        out_variables.setdefault(
            str(name),
            PersonalizationVariableOut(source="field", value="", fallback=str(fallback or "")),
        )
    return PersonalizationOut(
        variables=out_variables,
        blocks=[
            PersonalizationBlockOut(
                field=str(b.get("field") or ""),
                operator=str(b.get("operator") or "eq"),
                value=str(b.get("value") or ""),
                text=str(b.get("text") or ""),
            )
            for b in blocks
            if isinstance(b, dict)
        ],
    )


class CampaignListOut(Schema):
    items: list[CampaignOut]
    count: int


# What ``CampaignOut.from_campaign`` reads, so lists cost a fixed number of queries.
DOCUMENT_SELECT = ("sender", "created_by", "template")
DOCUMENT_PREFETCH = (
    "segments",
    "exclude_segments",
    "variants",
    "triggers",
    "workflow",
    "error_log",
)
