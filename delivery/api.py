"""``/api/campaigns/{campaignId}/…``: the spec's Campaign Execution endpoints, and the
delivery reads (stats, recipients). The events and the analytics report are analytics' own
(``analytics/api.py``), under the same paths.

Send, schedule and cancel need the "send" permission; the reads need any role. Every lookup
goes through ``campaign_get`` (another account's campaign is a 404).
"""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Path, Query, Router, Status
from pydantic import Field, field_validator

from accounts.request import AccountRequest
from campaigns.models import Campaign
from campaigns.schemas import (
    CamelSchema,
    CampaignErrorLogOut,
    CampaignSchedulingIn,
    CampaignStatsOut,
    parse_hh_mm,
)
from campaigns.selectors import campaign_get
from core.api import actor, errors, require_permission
from core.schemas import MAX_ID, PageQuery
from delivery import control, schedules, selectors
from delivery.models import Recipient

router = Router(tags=["campaign execution"])


def api_enum(value: str) -> str:
    """A stored enum value as the API spells it: multi-word values in kebab-case, like the
    spec's ``ab-test`` (``retry_scheduled`` → ``retry-scheduled``)."""
    return value.replace("_", "-")


CampaignId = Annotated[int, Path(alias="campaignId", ge=1, le=MAX_ID)]
if TYPE_CHECKING:
    # Built at run time from the models' choices, for the OpenAPI enums; a str to mypy.
    RecipientStatus = str
else:
    RecipientStatus = Literal[tuple(api_enum(v) for v in Recipient.Status.values)]


class DeliveryStateOut(CamelSchema):
    id: int
    status: str
    status_reason: str = ""
    next_run_at: datetime | None = None


class DeliveryStatsOut(CampaignStatsOut):
    """The Campaign document's ``stats`` plus its cost, revenue and ROI (in ``currency``) and
    where the delivery stands."""

    cost: float
    revenue: float
    roi: float | None
    revenue_per_recipient: float | None
    currency: str
    status: str
    status_reason: str
    queue: dict[str, int]
    error_log: list[CampaignErrorLogOut]


class DeliveryRecipientQuery(PageQuery):
    status: RecipientStatus | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _old_spelling(cls, value: object) -> object:
        # ``retry_scheduled`` was answered before the API's enums were kebab-case.
        return api_enum(value) if isinstance(value, str) else value


class DeliveryRecipientOut(CamelSchema):
    id: int
    contact_id: int
    phone: str
    status: str
    variant: str | None
    provider_message_id: str
    attempts: int
    send_at: datetime | None
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    error: str | None = Field(
        description="The error's explanation, else its code; null when there is none "
        "(kept for older clients: errorCode, errorTitle and errorMessage say more)."
    )
    error_code: str | None = Field(
        description="The provider's error code (WhatsApp `131026`, Twilio `30003`), or ours "
        "for errors that never reached a provider (`timeout`, `lease_expired`, `cancelled`); "
        "null when there is no error."
    )
    error_title: str | None = Field(
        description="The provider's short name of the error (`Message undeliverable`); null "
        "when the provider gave none."
    )
    error_message: str | None = Field(
        description="The longer explanation of the error, from the provider where it gave "
        "one; null when there is no error."
    )


class DeliveryRecipientPageOut(CamelSchema):
    items: list[DeliveryRecipientOut]
    count: int


def _state(campaign: Campaign) -> DeliveryStateOut:
    from django_q.models import Schedule

    next_run = (
        Schedule.objects.filter(name=schedules.RUN_SCHEDULE.format(id=campaign.pk))
        .values_list("next_run", flat=True)
        .first()
    )
    return DeliveryStateOut(
        id=campaign.pk,
        status=campaign.status,
        status_reason=campaign.status_reason,
        next_run_at=next_run,
    )


@router.post(
    "/{campaignId}/send", response={202: DeliveryStateOut, **errors(403, 404, 409)}, by_alias=True
)
def send_campaign(request: AccountRequest, campaign_id: CampaignId) -> Status[DeliveryStateOut]:
    """Send now: a draft is published to start at once; a scheduled campaign starts now."""
    require_permission(request, "send")
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    campaign = control.campaign_send_now(campaign=campaign, actor=actor(request))
    return Status(202, _state(campaign))


@router.post(
    "/{campaignId}/schedule",
    response={200: DeliveryStateOut, **errors(403, 404, 409, 413)},
    by_alias=True,
)
def schedule_campaign(
    request: AccountRequest, campaign_id: CampaignId, payload: CampaignSchedulingIn
) -> Status[DeliveryStateOut]:
    """Set a draft's scheduling and publish it: scheduled for its start, or running now."""
    require_permission(request, "send")
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    data: dict[str, Any] = {
        "send_now": payload.send_now,
        "start_date": payload.start_date,
        "end_date": payload.end_date,
        "frequency": payload.frequency,
        "delivery_time": parse_hh_mm(payload.delivery_time),
        "local_time_delivery": payload.local_time_delivery,
        "quiet_hours_start": parse_hh_mm(payload.quiet_hours_start),
        "quiet_hours_end": parse_hh_mm(payload.quiet_hours_end),
    }
    if payload.timezone:
        data["timezone"] = payload.timezone
    campaign = control.campaign_schedule_request(campaign=campaign, actor=actor(request), data=data)
    return Status(200, _state(campaign))


@router.post(
    "/{campaignId}/cancel", response={200: DeliveryStateOut, **errors(403, 404, 409)}, by_alias=True
)
def cancel_campaign(request: AccountRequest, campaign_id: CampaignId) -> DeliveryStateOut:
    """Stop for good: the campaign completes ("cancelled"); who was not sent is skipped."""
    require_permission(request, "send")
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    return _state(control.campaign_cancel(campaign=campaign, actor=actor(request)))


@router.get("/{campaignId}/stats", response={200: DeliveryStatsOut, **errors(404)}, by_alias=True)
def campaign_stats(request: AccountRequest, campaign_id: CampaignId) -> selectors.CampaignStats:
    """The spec's stats object, the recipient queue by status and the error log."""
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    answer = selectors.campaign_stats(campaign=campaign)
    answer["queue"] = {api_enum(status): n for status, n in answer["queue"].items()}
    return answer


@router.get(
    "/{campaignId}/recipients",
    response={200: DeliveryRecipientPageOut, **errors(404)},
    by_alias=True,
)
def campaign_recipients(
    request: AccountRequest, campaign_id: CampaignId, filters: Query[DeliveryRecipientQuery]
) -> DeliveryRecipientPageOut:
    """Recipient status, paged, optionally filtered by status."""
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    total, rows = selectors.recipients_page(
        campaign=campaign,
        status=(filters.status or "").replace("-", "_"),
        page=filters.page,
        page_size=filters.page_size,
    )
    items = [
        DeliveryRecipientOut(
            id=r.pk,
            contact_id=r.contact_id,
            phone=r.contact.phone or "",
            status=api_enum(r.status),
            variant=r.variant.key if r.variant is not None else None,
            provider_message_id=r.provider_message_id,
            attempts=r.attempts,
            send_at=r.send_at,
            sent_at=r.sent_at,
            delivered_at=r.delivered_at,
            read_at=r.read_at,
            error=r.error_message or r.error_code or None,
            error_code=r.error_code or None,
            error_title=r.error_title or None,
            error_message=r.error_message or None,
        )
        for r in rows
    ]
    return DeliveryRecipientPageOut(items=items, count=total)
