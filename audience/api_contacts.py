"""``/api/contacts``, ``/api/attributes``: contacts, bulk upsert, CSV import and export."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from accounts.models import Account
from accounts.request import AccountRequest
from audience import contacts_selectors as selectors
from audience.models import AttributeDefinition, Contact
from audience.services import attributes as attribute_services
from audience.services import contacts as contact_services
from audience.services import imports as import_services
from audience.services import tagging
from audience.services.contacts import BulkUpsertAnswer
from audience.services.exports import contacts_export_csv
from core.api import actor, errors, require_permission
from core.schemas import MAX_ID, Id, RowId

router = Router(tags=["contacts"])


class AttributeIn(Schema):
    key: str
    label: str = ""
    type: str = "text"


class AttributeOut(Schema):
    id: int
    key: str
    label: str
    type: str


class ContactIn(Schema):
    """Every field optional: on PUT only the given ones change (attributes merge, null
    removes one; tags replace)."""

    phone: str | None = None
    email: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    timezone: str | None = None
    country: str | None = None
    tags: list[str] | None = None
    attributes: dict[str, Any] | None = None
    subscribed: bool | None = None

    def as_data(self) -> dict[str, Any]:
        return contact_data(self.model_dump(exclude_unset=True))


class ContactOut(Schema):
    id: int
    phone: str | None
    email: str
    firstName: str
    lastName: str
    timezone: str
    country: str
    tags: list[str]
    attributes: dict[str, Any]
    subscribed: bool
    unsubscribedAt: datetime | None
    # E-mail only, read-only: the unsubscribe link's opt-out and a hard bounce (with why).
    emailOptedOutAt: datetime | None
    emailBouncedAt: datetime | None
    emailBounceReason: str
    createdAt: datetime
    updatedAt: datetime


class ContactListOut(Schema):
    items: list[ContactOut]
    count: int


class BulkIn(Schema):
    contacts: list[Any] = Field(..., max_length=contact_services.BULK_LIMIT)


class BulkItemError(Schema):
    index: int
    errors: list[dict[str, str]]


class BulkOut(Schema):
    created: int
    updated: int
    failed: int
    errors: list[BulkItemError]


class TagsIn(Schema):
    contactIds: list[Id] = Field(..., max_length=tagging.TAG_CALL_LIMIT)
    add: list[str] = Field(default_factory=list, description="Tags to add (created if new).")
    remove: list[str] = Field(default_factory=list, description="Tags to remove.")


class TagsOut(Schema):
    added: int = Field(description="Links made: a contact that already had the tag is not counted.")
    removed: int
    notFound: int = Field(description="Ids that are no contact of this account (left alone).")


class ImportAccepted(Schema):
    jobId: int


class ImportRowError(Schema):
    row: int
    message: str


class ImportJobOut(Schema):
    jobId: int
    status: str
    processed: int
    imported: int
    updated: int
    failed: int
    progress: int
    errors: list[ImportRowError]
    message: str
    newAttributes: list[dict[str, str]]
    createdAt: datetime
    finishedAt: datetime | None
    fileName: str


_IN_NAMES = {"firstName": "first_name", "lastName": "last_name"}


def contact_data(payload: dict[str, Any]) -> dict[str, Any]:
    """API names → model names (bulk items arrive as plain objects)."""
    return {_IN_NAMES.get(k, k): v for k, v in payload.items()}


def contact_out(contact: Contact) -> dict[str, object]:
    return {
        "id": contact.pk,
        "phone": contact.phone,
        "email": contact.email,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "timezone": contact.timezone,
        "country": contact.country,
        "tags": sorted(t.name for t in contact.tags.all()),
        "attributes": contact.attributes or {},
        "subscribed": contact.subscribed,
        "unsubscribedAt": contact.unsubscribed_at,
        "emailOptedOutAt": contact.email_opted_out_at,
        "emailBouncedAt": contact.email_bounced_at,
        "emailBounceReason": contact.email_bounce_reason,
        "createdAt": contact.created_at,
        "updatedAt": contact.updated_at,
    }


@router.get(
    "/attributes",
    response={200: list[AttributeOut], **errors()},
    summary="List attribute definitions",
)
def list_attributes(request: AccountRequest) -> list[AttributeDefinition]:
    return list(attribute_services.attribute_definitions(account=request.account).values())


@router.post(
    "/attributes",
    response={201: AttributeOut, **errors(403, 413)},
    summary="Define an attribute",
)
def create_attribute(request: AccountRequest, payload: AttributeIn) -> Status[AttributeDefinition]:
    require_permission(request, "edit")
    definition = attribute_services.attribute_create(
        account=request.account, key=payload.key, label=payload.label, type=payload.type
    )
    return Status(201, definition)


@router.get("/contacts", response={200: ContactListOut, **errors()}, summary="List contacts")
def list_contacts(
    request: AccountRequest,
    page: int = Query(1, ge=1, le=settings.LIST_MAX_PAGE),
    page_size: int = Query(50, ge=1, le=500, alias="pageSize"),
    q: str = "",
    tag: str = "",
    subscribed: bool | None = None,
    country: str = "",
) -> dict[str, object]:
    qs = selectors.contact_list(
        account=request.account, q=q, tag=tag, subscribed=subscribed, country=country
    )
    paginator = Paginator(qs.prefetch_related("tags"), page_size)
    items = paginator.page(page).object_list if page <= paginator.num_pages else []
    return {"items": [contact_out(c) for c in items], "count": paginator.count}


@router.post(
    "/contacts", response={201: ContactOut, **errors(403, 413)}, summary="Create a contact"
)
def create_contact(request: AccountRequest, payload: ContactIn) -> Status[dict[str, object]]:
    require_permission(request, "edit")
    contact = contact_services.contact_create(account=request.account, data=payload.as_data())
    return Status(201, contact_out(contact))


@router.post(
    "/contacts/bulk",
    response={200: BulkOut, **errors(403, 413)},
    summary="Upsert up to 10,000 contacts by phone",
)
def bulk_contacts(request: AccountRequest, payload: BulkIn) -> BulkUpsertAnswer:
    require_permission(request, "edit")
    items = [contact_data(i) if isinstance(i, dict) else i for i in payload.contacts]
    return contact_services.contacts_bulk_upsert(account=request.account, items=items)


@router.post(
    "/contacts/tags",
    response={200: TagsOut, **errors(403, 413)},
    summary="Add or remove tags on up to 100,000 contacts",
    description="Ids of other accounts' contacts, or of none, are counted in `notFound` and "
    "left alone; a tag a contact already has is kept (`added` counts new links only).",
)
def tag_contacts(request: AccountRequest, payload: TagsIn) -> dict[str, int]:
    require_permission(request, "edit")
    change = tagging.contacts_tag(
        account=request.account,
        contact_ids=payload.contactIds,
        add=payload.add,
        remove=payload.remove,
    )
    return {"added": change.added, "removed": change.removed, "notFound": change.not_found}


@router.post(
    "/contacts/import",
    response={202: ImportAccepted, **errors(403, 413)},
    summary="Import contacts from a CSV file",
    description="A file larger than the install's limit (`CONTACT_IMPORT_MAX_BYTES`, 25 MB by "
    "default) is refused with 413 and the limit in `detail`; nothing is stored.",
)
def import_contacts(
    request: AccountRequest, file: File[UploadedFile], mapping: Form[str] = ""
) -> Status[dict[str, int]]:
    require_permission(request, "edit")
    job = import_services.import_create(
        account=request.account,
        upload=file,
        mapping=import_services.parse_mapping(mapping),
        created_by=actor(request),
    )
    return Status(202, {"jobId": job.pk})


@router.get(
    "/contacts/import/{int:jobId}",
    response={200: ImportJobOut, **errors(404)},
    summary="An import's progress",
)
def import_status(request: AccountRequest, jobId: RowId) -> dict[str, Any]:
    job = selectors.import_job_get(account=request.account, job_id=jobId)
    return import_services.import_job_json(job)


@router.get(
    "/contacts/export",
    response={200: None, **errors(404)},
    summary="Contacts (or a segment's) as CSV",
    openapi_extra={
        "responses": {
            200: {
                "description": "The CSV file",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_contacts(
    request: AccountRequest,
    segment_id: int | None = Query(None, alias="segmentId", ge=1, le=MAX_ID),
) -> StreamingHttpResponse:
    return export_response(account=request.account, segment_id=segment_id)


@router.get(
    "/contacts/{int:contactId}", response={200: ContactOut, **errors(404)}, summary="Get a contact"
)
def get_contact(request: AccountRequest, contactId: RowId) -> dict[str, object]:
    return contact_out(selectors.contact_get(account=request.account, contact_id=contactId))


@router.put(
    "/contacts/{int:contactId}",
    response={200: ContactOut, **errors(403, 404, 413)},
    summary="Update a contact",
)
def update_contact(
    request: AccountRequest, contactId: RowId, payload: ContactIn
) -> dict[str, object]:
    require_permission(request, "edit")
    contact = selectors.contact_get(account=request.account, contact_id=contactId)
    contact = contact_services.contact_update(contact=contact, data=payload.as_data())
    return contact_out(selectors.contact_get(account=request.account, contact_id=contact.pk))


@router.delete(
    "/contacts/{int:contactId}",
    response={204: None, **errors(403, 404)},
    summary="Delete a contact",
)
def delete_contact(request: AccountRequest, contactId: RowId) -> HttpResponse:
    require_permission(request, "edit")
    contact = selectors.contact_get(account=request.account, contact_id=contactId)
    contact_services.contact_delete(contact=contact)
    return HttpResponse(status=204)


def export_response(
    *, account: Account, segment_id: int | str | None = None
) -> StreamingHttpResponse:
    """The streamed CSV download, shared by this API and the contacts page."""
    queryset, name = None, "contacts"
    if segment_id is not None:
        from audience.selectors import segment_contacts, segment_get

        segment = segment_get(account=account, segment_id=segment_id)
        queryset = segment_contacts(segment=segment)
        name = f"segment-{segment.pk}"
    # Build the first line now so a bad segment is an error answer, not a broken download.
    rows = contacts_export_csv(account=account, queryset=queryset)
    first = next(rows)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")

    def stream() -> Iterator[str]:
        yield first
        yield from rows

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
