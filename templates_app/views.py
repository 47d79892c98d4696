"""Message template pages: list, the editor (create and edit) and delete. Views stay thin."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.request import AccountRequest, MemberRequest
from core.errors import Conflict, NotFound, ValidationFailed
from templates_app import selectors, services
from templates_app.forms import editor_data_from_post, errors_by_field
from templates_app.models import MessageTemplate
from templates_app.preview import data_variable_names, template_preview
from templates_app.rendering import CONTACT_FIELDS

PAGE_SIZE = 20


def _get_or_404(request: AccountRequest, pk: int) -> MessageTemplate:
    try:
        return selectors.template_get(account=request.account, template_id=pk)
    except NotFound:
        raise Http404("Template not found.") from None


def _can_edit(request: AccountRequest) -> bool:
    return bool(request.membership and request.membership.can("edit"))


def _status_choices(template: MessageTemplate | None) -> list[tuple[str, str]]:
    """Draft and pending, plus a reviewed template's own status so an edit can keep it."""
    choices = [(s.value, s.label) for s in services.EDITABLE_STATUSES]
    if template is not None and template.status in services.REVIEWED_STATUSES:
        choices.insert(0, (template.status, template.get_status_display()))
    return choices


@member_required
def template_list_view(request: AccountRequest) -> HttpResponse:
    filters = {
        "q": request.GET.get("q", "").strip()[:200],
        "status": request.GET.get("status", ""),
        "category": request.GET.get("category", ""),
    }
    if filters["status"] not in MessageTemplate.Status.values:
        filters["status"] = ""
    if filters["category"] not in MessageTemplate.Category.values:
        filters["category"] = ""
    qs = selectors.template_list(account=request.account, with_usage=True, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "templates_app/list.html",
        {
            "nav": "templates",
            "page": page,
            "filters": filters,
            "statuses": MessageTemplate.Status.choices,
            "categories": MessageTemplate.Category.choices,
            "can_edit": _can_edit(request),
        },
    )


def _editor(
    request: AccountRequest,
    *,
    data: dict,
    problems: list[dict] | None = None,
    template: MessageTemplate | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors_by_field(problems or [])
    examples = {v.get("name"): v.get("example", "") for v in data.get("variables") or []}
    variable_rows = [
        {
            "name": name,
            "placeholder": f"{{{{{name}}}}}",
            "example": examples.get(name, ""),
            "errors": errors.get(f"variables_{i}_example", []),
        }
        for i, name in enumerate(data_variable_names(data))
    ]
    button_rows = [
        {
            **button,
            "errors": [
                message
                for key in ("type", "text", "value")
                for message in errors.get(f"buttons_{i}_{key}", [])
            ],
        }
        for i, button in enumerate(data.get("buttons") or [])
    ]
    usage_count, usage_names = (
        selectors.template_usage(template=template) if template is not None else (0, [])
    )
    return render(
        request,
        "templates_app/editor.html",
        {
            "nav": "templates",
            "template": template,
            "usage_count": usage_count,
            "usage_names": usage_names,
            "data": data,
            "header": data.get("header") or {},
            "errors": errors,
            "problem_count": len(problems or []),
            "variable_rows": variable_rows,
            "button_rows": button_rows,
            "preview": template_preview(data),
            "read_only": not _can_edit(request),
            "categories": MessageTemplate.Category.choices,
            "statuses": _status_choices(template),
            "can_review": bool(request.membership and request.membership.can("approve")),
            "reviews": list(template.reviews.all()[:5]) if template is not None else [],
            "header_types": MessageTemplate.HeaderType.choices,
            "button_types": [
                ("quickreply", "Quick reply"),
                ("url", "Visit website"),
                ("call", "Call phone number"),
            ],
            "contact_fields": CONTACT_FIELDS,
            "limits": {
                "header": services.HEADER_TEXT_MAX,
                "body": services.BODY_MAX,
                "footer": services.FOOTER_MAX,
                "button_text": services.BUTTON_TEXT_MAX,
                "buttons": services.BUTTONS_MAX,
            },
        },
        status=status,
    )


NEW_TEMPLATE = {
    "name": "",
    "category": MessageTemplate.Category.MARKETING,
    "language": "en",
    "status": MessageTemplate.Status.DRAFT,
    "header": {"type": "none", "text": "", "mediaUrl": ""},
    "body": "",
    "footer": "",
    "buttons": [],
    "variables": [],
}


@member_required(permission="edit")
def template_create_view(request: AccountRequest) -> HttpResponse:
    if request.method != "POST":
        return _editor(request, data=NEW_TEMPLATE)
    data = editor_data_from_post(request.POST)
    try:
        template = services.template_create(account=request.account, data=data)
    except ValidationFailed as exc:
        return _editor(request, data=data, problems=exc.extra.get("problems"), status=422)
    messages.success(request, f"Template “{template.name}” created.")
    return redirect("templates:edit", pk=template.pk)


@member_required(permission="edit", writes_only=True)
def template_edit_view(request: AccountRequest, pk: int) -> HttpResponse:
    template = _get_or_404(request, pk)
    if request.method != "POST":
        return _editor(request, data=services.template_data(template), template=template)
    data = editor_data_from_post(request.POST)
    try:
        services.template_update(template=template, data=data)
    except ValidationFailed as exc:
        return _editor(
            request,
            data=data,
            problems=exc.extra.get("problems"),
            template=template,
            status=422,
        )
    messages.success(request, f"Template “{template.name}” saved.")
    return redirect("templates:edit", pk=template.pk)


@require_POST
@member_required(permission="edit")
def template_delete_view(request: AccountRequest, pk: int) -> HttpResponse:
    template = _get_or_404(request, pk)
    name = template.name
    try:
        services.template_delete(template=template)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(reverse("templates:edit", args=[pk]))
    messages.success(request, f"Template “{name}” deleted.")
    return redirect("templates:list")


REVIEW_DECISIONS = {
    "approve": MessageTemplate.Status.APPROVED,
    "reject": MessageTemplate.Status.REJECTED,
}


@require_POST
@member_required(permission="approve")
def template_review_view(request: MemberRequest, pk: int) -> HttpResponse:
    """An owner's or manager's Approve / Reject button; recorded with their name and note."""
    template = _get_or_404(request, pk)
    decision = REVIEW_DECISIONS.get(request.POST.get("decision", ""))
    if decision is None:
        messages.error(request, "Choose Approve or Reject.")
        return redirect("templates:edit", pk=template.pk)
    try:
        template = services.template_review(
            template=template,
            decision=decision,
            actor=request.user,
            actor_name=request.user.get_username(),
            note=request.POST.get("note", ""),
        )
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Template “{template.name}” {template.get_status_display().lower()}."
        )
    return redirect("templates:edit", pk=template.pk)
