"""``/api/campaigns/{campaignId}/events`` and ``…/analytics``: the spec's Analytics endpoints,
the event log and the report read from the rollups. Any role may read; another account's
campaign is a 404."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, overload

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.renderers import JSONRenderer
from pydantic.alias_generators import to_camel

from accounts.request import AccountRequest
from analytics import selectors
from analytics.models import Event
from analytics.report import Filters, Report
from analytics.report_cache import kept, report_kept
from analytics.schemas import CampaignReportOut, ReportQuery
from campaigns.schemas import CamelSchema
from campaigns.selectors import campaign_get
from core.api import errors
from core.schemas import PageQuery
from delivery.api import CampaignId

router = Router(tags=["campaign execution"])

if TYPE_CHECKING:
    # Built at run time from the model's choices, for the OpenAPI enum; a str to mypy.
    EventType = str
else:
    EventType = Literal[tuple(Event.Type.values)]


# What a JSON document holds, as ``api_keys`` walks it.
Json = dict[str, "Json"] | list["Json"] | str | int | float | bool | None


@overload
def api_keys(data: dict[str, Json]) -> dict[str, Json]: ...
@overload
def api_keys(data: Json) -> Json: ...
def api_keys(data: Json) -> Json:
    """``data`` with every object key in camelCase: event payloads are written by several
    services (``provider_message_id`` by status webhooks), the API answers one convention."""
    if isinstance(data, dict):
        return {to_camel(str(key)): api_keys(value) for key, value in data.items()}
    if isinstance(data, list):
        return [api_keys(value) for value in data]
    return data


class DeliveryEventQuery(PageQuery):
    type: EventType | None = None


class DeliveryEventOut(CamelSchema):
    id: int
    type: str
    occurred_at: datetime
    recipient_id: int | None
    contact_id: int | None
    data: dict[str, Any]
    revenue: float | None


class DeliveryEventPageOut(CamelSchema):
    items: list[DeliveryEventOut]
    count: int


@router.get(
    "/{campaignId}/events", response={200: DeliveryEventPageOut, **errors(404)}, by_alias=True
)
def campaign_events(
    request: AccountRequest, campaign_id: CampaignId, filters: Query[DeliveryEventQuery]
) -> DeliveryEventPageOut:
    """The campaign's event log, newest first, paged."""
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    total, rows = selectors.events_page(
        campaign=campaign, type=filters.type or "", page=filters.page, page_size=filters.page_size
    )
    items = [
        DeliveryEventOut(
            id=e.pk,
            type=e.type,
            occurred_at=e.occurred_at,
            recipient_id=e.recipient_id,
            contact_id=e.contact_id,
            data=api_keys(e.data) if isinstance(e.data, dict) else {},
            revenue=float(e.revenue) if e.revenue is not None else None,
        )
        for e in rows
    ]
    return DeliveryEventPageOut(items=items, count=total)


@router.get(
    "/{campaignId}/analytics", response={200: CampaignReportOut, **errors(404)}, by_alias=True
)
def campaign_analytics(
    request: AccountRequest, campaign_id: CampaignId, query: Query[ReportQuery]
) -> HttpResponse:
    """The campaign's analytics report, the figures of its analytics page: funnel, hourly and
    daily series (account time zone), heatmap (recipients' local time), countries, devices,
    links, conversions, variants, cost, revenue and ROI. ``since``/``until`` are UTC days,
    both included; ``variant`` keeps one variant's recipients."""
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    filters = Filters(since=query.since, until=query.until, variant=query.variant or None)
    body = kept(
        campaign, filters, "api", lambda: _rendered(request, report_kept(campaign, filters))
    )
    return HttpResponse(body, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}")


# The API's renderer (config.api's NinjaAPI keeps django-ninja's default JSON renderer).
RENDERER = JSONRenderer()


def _rendered(request: HttpRequest, report: Report) -> bytes:
    """The answer's body as django-ninja writes it (validated against ``CampaignReportOut``,
    camelCase, its JSON encoder), kept as bytes: a kept report is neither validated nor
    encoded again."""
    data = CampaignReportOut.model_validate(report).model_dump(by_alias=True)
    content = RENDERER.render(request, data, response_status=200)
    return content if isinstance(content, bytes) else str(content).encode()
