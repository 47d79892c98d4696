"""``/api/campaigns``: the spec's Campaign Management endpoints.

Handlers parse, check the permission, call one selector or service and answer the document.
Reads need any role; edits need "edit"; publish, pause and resume need "send".
"""

from typing import Annotated

from django.db.models import prefetch_related_objects
from ninja import Path, Query, Router, Status

from accounts.request import AccountRequest
from campaigns.models import Campaign
from campaigns.schemas import (
    DOCUMENT_PREFETCH,
    DOCUMENT_SELECT,
    CampaignIn,
    CampaignListOut,
    CampaignListQuery,
    CampaignOut,
)
from campaigns.selectors import campaign_get, campaign_list
from campaigns.services import crud, transitions
from core.api import actor, errors, require_permission
from core.schemas import MAX_ID
from delivery import control

router = Router(tags=["campaigns"])

# The spec names the path parameter campaignId; errors about it carry that name too.
CampaignId = Annotated[int, Path(alias="campaignId", ge=1, le=MAX_ID)]
# A move of the lifecycle: the role may not (403), no such campaign (404), not from here (409).
MOVES = errors(403, 404, 409)


def _document(
    request: AccountRequest, campaign_id: int, *, include_deleted: bool = False
) -> CampaignOut:
    campaign = campaign_get(
        account=request.account, campaign_id=campaign_id, include_deleted=include_deleted
    )
    prefetch_related_objects([campaign], *DOCUMENT_SELECT, *DOCUMENT_PREFETCH)
    return CampaignOut.from_campaign(campaign)


def _get(request: AccountRequest, campaign_id: int) -> Campaign:
    return campaign_get(account=request.account, campaign_id=campaign_id)


@router.post("", response={201: CampaignOut, **errors(403, 413)}, by_alias=True)
def create_campaign(request: AccountRequest, payload: CampaignIn) -> Status[CampaignOut]:
    """Create a draft campaign from a campaign document."""
    require_permission(request, "edit")
    campaign = crud.campaign_create(
        account=request.account,
        actor=actor(request),
        data=payload.to_data(),
        api_key=getattr(request, "api_key", None),
    )
    return Status(201, _document(request, campaign.pk))


@router.get("", response={200: CampaignListOut, **errors()}, by_alias=True)
def list_campaigns(request: AccountRequest, filters: Query[CampaignListQuery]) -> CampaignListOut:
    """The account's campaigns (deleted ones excluded), filtered, sorted and paged."""
    qs = campaign_list(
        account=request.account,
        q=filters.q.strip(),
        status=filters.status or "",
        type=filters.type or "",
        sort=filters.sort,
    )
    start = (filters.page - 1) * filters.page_size
    page = qs.select_related(*DOCUMENT_SELECT).prefetch_related(*DOCUMENT_PREFETCH)
    items = [CampaignOut.from_campaign(c) for c in page[start : start + filters.page_size]]
    return CampaignListOut(items=items, count=qs.count())


@router.get("/{campaignId}", response={200: CampaignOut, **errors(404)}, by_alias=True)
def get_campaign(request: AccountRequest, campaign_id: CampaignId) -> CampaignOut:
    """One campaign document."""
    return _document(request, campaign_id)


@router.put(
    "/{campaignId}", response={200: CampaignOut, **errors(403, 404, 409, 413)}, by_alias=True
)
def update_campaign(
    request: AccountRequest, campaign_id: CampaignId, payload: CampaignIn
) -> CampaignOut:
    """Replace a draft's editable fields with the given document (missing parts reset)."""
    require_permission(request, "edit")
    campaign = crud.campaign_update(
        campaign=_get(request, campaign_id), actor=actor(request), data=payload.to_data()
    )
    return _document(request, campaign.pk)


@router.delete("/{campaignId}", response={204: None, **errors(403, 404, 409)})
def delete_campaign(request: AccountRequest, campaign_id: CampaignId) -> Status[None]:
    """Soft delete: the campaign leaves every list until restored."""
    require_permission(request, "edit")
    transitions.campaign_delete(campaign=_get(request, campaign_id), actor=actor(request))
    return Status(204, None)


@router.post("/{campaignId}/restore", response={200: CampaignOut, **MOVES}, by_alias=True)
def restore_campaign(request: AccountRequest, campaign_id: CampaignId) -> CampaignOut:
    """Bring a deleted campaign back."""
    require_permission(request, "edit")
    campaign = campaign_get(account=request.account, campaign_id=campaign_id, include_deleted=True)
    transitions.campaign_restore(campaign=campaign, actor=actor(request))
    return _document(request, campaign.pk)


@router.post("/{campaignId}/duplicate", response={201: CampaignOut, **MOVES}, by_alias=True)
def duplicate_campaign(request: AccountRequest, campaign_id: CampaignId) -> Status[CampaignOut]:
    """A new draft with the same settings, named “… (copy)”."""
    require_permission(request, "edit")
    copy = transitions.campaign_duplicate(campaign=_get(request, campaign_id), actor=actor(request))
    return Status(201, _document(request, copy.pk))


@router.post("/{campaignId}/publish", response={200: CampaignOut, **MOVES}, by_alias=True)
def publish_campaign(request: AccountRequest, campaign_id: CampaignId) -> CampaignOut:
    """Validate and start now, or schedule for ``scheduling.startDate``."""
    require_permission(request, "send")
    control.campaign_publish(campaign=_get(request, campaign_id), actor=actor(request))
    return _document(request, campaign_id)


@router.post("/{campaignId}/pause", response={200: CampaignOut, **MOVES}, by_alias=True)
def pause_campaign(request: AccountRequest, campaign_id: CampaignId) -> CampaignOut:
    """Stop claiming new messages; messages in flight finish."""
    require_permission(request, "send")
    control.campaign_pause(campaign=_get(request, campaign_id), actor=actor(request))
    return _document(request, campaign_id)


@router.post("/{campaignId}/resume", response={200: CampaignOut, **MOVES}, by_alias=True)
def resume_campaign(request: AccountRequest, campaign_id: CampaignId) -> CampaignOut:
    """Carry on sending a paused campaign."""
    require_permission(request, "send")
    control.campaign_resume(campaign=_get(request, campaign_id), actor=actor(request))
    return _document(request, campaign_id)
