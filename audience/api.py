"""``/api/segments``, ``/api/audience/estimate`` and ``/api/suppression``.

Filter trees arrive as plain JSON and are checked by ``audience.filters`` rather than by
pydantic, so a bad tree is answered with the rule it concerns ("Rule 2.1: ...") and its path.
Contacts, imports and attributes live in ``audience.api_contacts`` (mounted below).
"""

import importlib.util
from datetime import datetime
from typing import Any

from ninja import Query, Router, Status
from pydantic import Field

from accounts.request import AccountRequest
from audience import selectors
from audience.models import Segment, SuppressionEntry
from audience.services import segments as segment_services
from audience.services import suppression as suppression_services
from core.api import actor, errors, require_permission
from core.schemas import CamelSchema, Page, PageQuery, RowId, free_text

router = Router(tags=["audience"])


class SegmentIn(CamelSchema):
    name: str = Field(max_length=200)
    description: str = free_text(default="")
    filters: dict[str, Any] = Field(default_factory=dict)


class SegmentOut(CamelSchema):
    id: int
    name: str
    description: str
    filters: dict[str, Any]
    contact_count: int | None
    counted_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AudienceIn(CamelSchema):
    """The spec's audience object, with the exclusion rules beside it."""

    type: str = "all"
    segment_ids: list[Any] = Field(default_factory=list)
    custom_filters: Any = None
    exclude_unsubscribed: Any = True
    exclude_segment_ids: list[Any] = Field(default_factory=list)
    exclude_suppressed: Any = True
    frequency_cap_hours: Any = None


class EstimateOut(CamelSchema):
    estimated_reach: int


class SuppressionIn(CamelSchema):
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    reason: str = Field(default="", max_length=200)


class SuppressionOut(CamelSchema):
    id: int
    phone: str | None
    email: str | None
    reason: str
    created_at: datetime


class SegmentListOut(CamelSchema):
    items: list[SegmentOut]
    count: int


class SuppressionQuery(PageQuery):
    q: str = Field(default="", max_length=200, description="Part of a phone or e-mail.")


class SuppressionListOut(CamelSchema):
    items: list[SuppressionOut]
    count: int


# --- segments --------------------------------------------------------------------------------


@router.get("/segments", response={200: SegmentListOut, **errors()}, by_alias=True)
def list_segments(request: AccountRequest, paging: Query[PageQuery]) -> Page[Segment]:
    """The account's segments with their last counted size, by name."""
    return paging.of(selectors.segment_list(account=request.account))


@router.post("/segments", response={201: SegmentOut, **errors(403, 413)}, by_alias=True)
def create_segment(request: AccountRequest, payload: SegmentIn) -> Status[Segment]:
    require_permission(request, "edit")
    segment = segment_services.segment_create(
        account=request.account,
        name=payload.name,
        description=payload.description,
        filters=payload.filters,
        actor=actor(request),
    )
    return Status(201, segment)


@router.get("/segments/{segment_id}", response={200: SegmentOut, **errors(404)}, by_alias=True)
def get_segment(request: AccountRequest, segment_id: RowId) -> Segment:
    return selectors.segment_get(account=request.account, segment_id=segment_id)


@router.put(
    "/segments/{segment_id}", response={200: SegmentOut, **errors(403, 404, 413)}, by_alias=True
)
def update_segment(request: AccountRequest, segment_id: RowId, payload: SegmentIn) -> Segment:
    require_permission(request, "edit")
    segment = selectors.segment_get(account=request.account, segment_id=segment_id)
    return segment_services.segment_update(
        segment=segment,
        name=payload.name,
        description=payload.description,
        filters=payload.filters,
    )


@router.delete("/segments/{segment_id}", response={204: None, **errors(403, 404, 409)})
def delete_segment(request: AccountRequest, segment_id: RowId) -> Status[None]:
    """Deletes an unused segment; one a campaign or another segment uses answers 409."""
    require_permission(request, "edit")
    segment = selectors.segment_get(account=request.account, segment_id=segment_id)
    segment_services.segment_delete(segment=segment)
    return Status(204, None)


@router.post("/audience/estimate", response={200: EstimateOut, **errors(413)}, by_alias=True)
def estimate_audience(request: AccountRequest, payload: AudienceIn) -> dict[str, int]:
    """How many contacts an audience object reaches after its exclusions."""
    audience = payload.model_dump(by_alias=True, exclude_unset=True)
    reach = selectors.audience_estimate(account=request.account, audience=audience)
    return {"estimated_reach": reach}


# --- suppression list ------------------------------------------------------------------------


@router.get("/suppression", response={200: SuppressionListOut, **errors()}, by_alias=True)
def list_suppression(
    request: AccountRequest, filters: Query[SuppressionQuery]
) -> Page[SuppressionEntry]:
    """The suppression list, newest first; ``q`` searches phones and e-mails."""
    return filters.of(selectors.suppression_list(account=request.account, q=filters.q.strip()))


@router.post("/suppression", response={201: SuppressionOut, **errors(403, 409, 413)}, by_alias=True)
def add_suppression(request: AccountRequest, payload: SuppressionIn) -> Status[SuppressionEntry]:
    require_permission(request, "edit")
    entry = suppression_services.suppression_add(
        account=request.account, phone=payload.phone, email=payload.email, reason=payload.reason
    )
    return Status(201, entry)


@router.delete("/suppression/{entry_id}", response={204: None, **errors(403, 404)})
def remove_suppression(request: AccountRequest, entry_id: RowId) -> Status[None]:
    require_permission(request, "edit")
    entry = selectors.suppression_get(account=request.account, entry_id=entry_id)
    suppression_services.suppression_remove(entry=entry)
    return Status(204, None)


# Contacts, imports and attributes (audience.api_contacts) share this router's prefix.
if importlib.util.find_spec("audience.api_contacts") is not None:
    from audience.api_contacts import router as contacts_router

    router.add_router("", contacts_router)
