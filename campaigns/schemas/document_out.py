"""What the API answers: the campaign document, read-only parts included.

Read-only parts (status, stats, estimatedReach, errorLog, the timestamps) exist only here; a
client that sends them is ignored, not refused.
"""

from datetime import datetime
from typing import Any, cast

from campaigns.models import Campaign
from campaigns.schemas.fields import (
    AudienceType,
    CampaignStatus,
    CampaignType,
    Frequency,
    MessageType,
    TriggerType,
    WinnerCriteria,
    format_hh_mm,
)
from core.errors import ValidationFailed
from core.schemas import CamelSchema
from templates_app.rendering import template_variables
from templates_app.structure import TemplateStructure


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
    track_links: bool
    utm_source: str
    utm_medium: str
    utm_campaign: str
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
        # The choice columns are plain strings to mypy; their choices are the Literals' values,
        # and pydantic still checks each one when the schema is built.
        return cls(
            id=c.pk,
            account_id=c.account_id,
            phone_number_id=c.sender.phone_number_id if c.sender else None,
            name=c.name,
            description=c.description,
            type=cast(CampaignType, c.type),
            status=cast(CampaignStatus, c.status),
            status_reason=c.status_reason,
            audience=CampaignAudienceOut(
                type=cast(AudienceType, c.audience_type),
                segment_ids=sorted(s.pk for s in c.segments.all()),
                custom_filters=c.custom_filters or {},
                exclude_unsubscribed=c.exclude_unsubscribed,
                exclude_segment_ids=sorted(s.pk for s in c.exclude_segments.all()),
                exclude_suppressed=c.exclude_suppressed,
                frequency_cap_hours=c.frequency_cap_hours,
                estimated_reach=c.estimated_reach,
            ),
            message=CampaignMessageOut(
                type=cast(MessageType, c.message_type),
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
                frequency=cast(Frequency, c.frequency),
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
                winner_criteria=cast(WinnerCriteria, c.winner_criteria),
            ),
            automation=CampaignAutomationOut(
                enabled=c.automation_enabled,
                triggers=[
                    CampaignTriggerOut(type=cast(TriggerType, t.type), condition=t.condition)
                    for t in c.triggers.all()
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
            track_links=c.track_links,
            utm_source=c.utm_source,
            utm_medium=c.utm_medium,
            utm_campaign=c.utm_campaign,
            created_by=c.created_by_api_key
            or (c.created_by.get_username() if c.created_by else None),
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
    if campaign.message_type == Campaign.MessageType.TEMPLATE and campaign.template is not None:
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
