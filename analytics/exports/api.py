"""``POST /api/campaigns/{campaignId}/exports``, ``GET /api/exports/{exportId}`` and its
``/file``: the exports of the analytics page for API clients. Any role may export (as on the
page); another account's campaign or export is a 404, and so is a file not written yet."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.http import FileResponse
from ninja import Field, Path, Router, Status

from accounts.request import AccountRequest
from analytics.exports import services
from analytics.exports.filters import NO_VARIANT, filters_parse
from analytics.models import Export
from campaigns.selectors import campaign_get
from core.api import actor, errors
from core.errors import NotFound
from core.schemas import MAX_ID, CamelSchema
from delivery.api import CampaignId, api_enum

router = Router(tags=["analytics"])

ExportId = Annotated[int, Path(alias="exportId", ge=1, le=MAX_ID)]
if TYPE_CHECKING:
    ExportKind = str
    ExportStatus = str
else:
    ExportKind = Literal[tuple(api_enum(v) for v in Export.Kind.values)]
    ExportStatus = Literal[tuple(Export.Status.values)]


class ExportIn(CamelSchema):
    kind: ExportKind
    since: dt.date | None = Field(None, description="First UTC day counted (inclusive).")
    until: dt.date | None = Field(None, description="Last UTC day counted (inclusive).")
    variant: str | None = Field(
        None,
        max_length=32,
        description=f"A variant's key; `{NO_VARIANT}` for recipients given no variant; "
        "absent for all.",
    )


class ExportFiltersOut(CamelSchema):
    since: str | None
    until: str | None
    variant: str | None


class ExportOut(CamelSchema):
    id: int
    kind: ExportKind
    status: ExportStatus = Field(
        description="queued, running, done (the file can be downloaded), failed, or expired "
        "(its file was deleted EXPORTS_KEEP_DAYS after it was written)."
    )
    rows_done: int
    rows_total: int
    progress: int = Field(description="Percent written; 100 once the file can be downloaded.")
    error: str
    filters: ExportFiltersOut
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download_url: str | None = Field(description="Where the file is, once `status` is done.")


def _out(export: Export) -> dict[str, Any]:
    answer = services.export_json(export)
    answer["kind"] = api_enum(export.kind)
    answer["downloadUrl"] = (
        f"/api/exports/{export.pk}/file" if export.status == Export.Status.DONE else None
    )
    answer["filters"] = {key: export.filters.get(key) for key in ("since", "until", "variant")}
    return answer


@router.post(
    "/campaigns/{campaignId}/exports",
    response={202: ExportOut, **errors(404, 413)},
    by_alias=True,
    summary="Start an export of a campaign",
    description="Recipients (CSV), events (CSV) or the analytics report (XLSX), written by a "
    "background task; follow it with `GET /api/exports/{exportId}`.",
)
def export_create(
    request: AccountRequest, campaign_id: CampaignId, payload: ExportIn
) -> Status[dict[str, Any]]:
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    filters = filters_parse(payload.model_dump(), campaign=campaign)
    export = services.export_start(
        campaign=campaign,
        kind=payload.kind.replace("-", "_"),
        filters=filters,
        created_by=actor(request),
    )
    return Status(202, _out(export))


@router.get(
    "/exports/{exportId}",
    response={200: ExportOut, **errors(404)},
    by_alias=True,
    summary="An export's progress",
)
def export_status(request: AccountRequest, export_id: ExportId) -> dict[str, Any]:
    return _out(services.export_get(account=request.account, export_id=export_id))


@router.get(
    "/exports/{exportId}/file",
    response={200: None, **errors(404)},
    summary="An export's file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The CSV or XLSX file",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    services.CONTENT_TYPES["xlsx"]: {
                        "schema": {"type": "string", "format": "binary"}
                    },
                },
            }
        }
    },
)
def export_file(request: AccountRequest, export_id: ExportId) -> FileResponse:
    export = services.export_get(account=request.account, export_id=export_id)
    if export.status != Export.Status.DONE or not export.file:
        raise NotFound("This export has no file yet.")
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=services.export_filename(export),
        content_type=services.export_content_type(export),
    )
    response["Cache-Control"] = "private, no-store"
    return response
