"""``/api/campaign-templates``: the message templates that ``message.templateId`` points to."""

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from ninja import Path, Query, Router, Status

from accounts.request import AccountRequest
from core.api import actor, errors, require_permission
from core.schemas import MAX_ID
from templates_app import selectors, services
from templates_app.models import TemplateReview
from templates_app.schemas import (
    ReviewIn,
    TemplateIn,
    TemplateListOut,
    TemplateOut,
    template_out,
)

router = Router(tags=["templates"])

# The spec names the path parameter ``templateId``.
TemplateId = Path(..., alias="templateId", ge=1, le=MAX_ID)


@router.get("", response={200: TemplateListOut, **errors()}, summary="List templates")
def list_templates(
    request: AccountRequest,
    page: int = Query(1, ge=1, le=settings.LIST_MAX_PAGE),
    page_size: int = Query(20, ge=1, le=100, alias="pageSize"),
    q: str = "",
    status: str = "",
    category: str = "",
) -> dict[str, object]:
    qs = selectors.template_list(account=request.account, q=q, status=status, category=category)
    paginator = Paginator(qs, page_size)
    items = paginator.page(page).object_list if page <= paginator.num_pages else []
    return {"items": [template_out(t) for t in items], "count": paginator.count}


@router.post("", response={201: TemplateOut, **errors(403, 413)}, summary="Create a template")
def create_template(request: AccountRequest, payload: TemplateIn) -> Status[dict[str, Any]]:
    require_permission(request, "edit")
    template = services.template_create(account=request.account, data=payload.as_data())
    return Status(201, template_out(template))


@router.get("/{templateId}", response={200: TemplateOut, **errors(404)}, summary="Get a template")
def get_template(request: AccountRequest, template_id: int = TemplateId) -> dict[str, Any]:
    return template_out(selectors.template_get(account=request.account, template_id=template_id))


@router.put(
    "/{templateId}",
    response={200: TemplateOut, **errors(403, 404, 413)},
    summary="Update a template",
)
def update_template(
    request: AccountRequest, payload: TemplateIn, template_id: int = TemplateId
) -> dict[str, Any]:
    require_permission(request, "edit")
    template = selectors.template_get(account=request.account, template_id=template_id)
    template = services.template_update(template=template, data=payload.as_data())
    return template_out(template)


@router.delete(
    "/{templateId}", response={204: None, **errors(403, 404, 409)}, summary="Delete a template"
)
def delete_template(request: AccountRequest, template_id: int = TemplateId) -> Status[None]:
    require_permission(request, "edit")
    template = selectors.template_get(account=request.account, template_id=template_id)
    services.template_delete(template=template)
    return Status(204, None)


def _review(
    request: AccountRequest, template_id: int, decision: str, payload: ReviewIn | None
) -> dict[str, Any]:
    require_permission(request, "approve")
    template = selectors.template_get(account=request.account, template_id=template_id)
    key = getattr(request, "api_key", None)
    template = services.template_review(
        template=template,
        decision=decision,
        actor=actor(request),
        actor_name=f"API key “{key.name}”" if key is not None else request.user.get_username(),
        note=payload.note if payload is not None else "",
    )
    return template_out(template)


@router.post(
    "/{templateId}/approve",
    response={200: TemplateOut, **errors(403, 404, 409, 413)},
    summary="Approve a template (owners and managers)",
)
def approve_template(
    request: AccountRequest, payload: ReviewIn | None = None, template_id: int = TemplateId
) -> dict[str, Any]:
    """Marks the template approved and records who approved it; a marketer gets 403."""
    return _review(request, template_id, TemplateReview.Decision.APPROVED, payload)


@router.post(
    "/{templateId}/reject",
    response={200: TemplateOut, **errors(403, 404, 409, 413)},
    summary="Reject a template (owners and managers)",
)
def reject_template(
    request: AccountRequest, payload: ReviewIn | None = None, template_id: int = TemplateId
) -> dict[str, Any]:
    """Marks the template rejected and records who rejected it and why (``note``)."""
    return _review(request, template_id, TemplateReview.Decision.REJECTED, payload)
