"""Contact pages: list, detail/edit, CSV import (upload → optional mapping → live progress),
export. Views only parse, call one service or selector, and render."""

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.request import AccountRequest, MemberRequest
from audience import contacts_selectors as selectors
from audience.api_contacts import export_response
from audience.models import AttributeDefinition, Contact, ImportJob, Tag
from audience.services import contacts as contact_services
from audience.services import email_consent
from audience.services import imports as import_services
from audience.services.attributes import attribute_definitions
from core.errors import NotFound, ValidationFailed
from core.forms import StorableTextMixin
from core.uploads import size_text

PAGE_SIZE = 50
FIELD_CHOICES = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("timezone", "Time zone"),
    ("country", "Country"),
    ("tags", "Tags (separated by ; or |)"),
    ("subscribed", "Subscribed (yes/no)"),
]


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _or_404(getter: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
    try:
        return getter(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


class ContactForm(StorableTextMixin, forms.Form):
    phone = forms.CharField(required=False, max_length=40, label="Phone number")
    email = forms.CharField(required=False, max_length=254, label="Email address")
    first_name = forms.CharField(required=False, max_length=100, label="First name")
    last_name = forms.CharField(required=False, max_length=100, label="Last name")
    timezone = forms.CharField(
        required=False,
        max_length=64,
        label="Time zone",
        help_text="IANA name such as Europe/Paris; empty: taken from the phone number.",
    )
    tags = forms.CharField(required=False, label="Tags", help_text="Separated by commas.")
    subscribed = forms.BooleanField(required=False, initial=True, label="Subscribed")

    def __init__(
        self,
        *args: Any,
        definitions: dict[str, AttributeDefinition] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definitions = definitions or {}
        for key, definition in self.definitions.items():
            self.fields[f"attr_{key}"] = forms.CharField(
                required=False,
                label=f"{definition.label} ({definition.get_type_display().lower()})",
                help_text="YYYY-MM-DD" if definition.type == "date" else "",
            )

    def as_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("attr_")}
        data["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
        data["attributes"] = {
            key: self.cleaned_data.get(f"attr_{key}", "") for key in self.definitions
        }
        return data

    def show_problems(self, problems: list[dict[str, str]]) -> None:
        names = {"firstName": "first_name", "lastName": "last_name"}
        for problem in problems:
            name = names.get(problem["field"], problem["field"])
            if name.startswith("attributes."):
                name = "attr_" + name[len("attributes.") :]
            self.add_error(name if name in self.fields else None, problem["message"])


def _contact_initial(contact: Contact) -> dict[str, object]:
    initial: dict[str, object] = {
        "phone": contact.phone or "",
        "email": contact.email,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "timezone": contact.timezone,
        "tags": ", ".join(sorted(t.name for t in contact.tags.all())),
        "subscribed": contact.subscribed,
    }
    for key, value in (contact.attributes or {}).items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        initial[f"attr_{key}"] = value
    return initial


@member_required
def contact_list_view(request: AccountRequest) -> HttpResponse:
    account = request.account
    subscribed = {"yes": True, "no": False}.get(request.GET.get("subscribed", ""))
    filters = {
        "q": request.GET.get("q", "").strip()[:100],
        "tag": request.GET.get("tag", "").strip()[:64],
        "subscribed": request.GET.get("subscribed", ""),
        "country": request.GET.get("country", "").strip()[:2].upper(),
    }
    contacts = selectors.contact_list(
        account=account,
        q=filters["q"],
        tag=filters["tag"],
        subscribed=subscribed,
        country=filters["country"],
    )
    page = Paginator(contacts.prefetch_related("tags"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "audience",
        "page_obj": page,
        "filters": filters,
        "tags": Tag.objects.for_account(account).order_by("name").values_list("name", flat=True),
        "imports": selectors.import_job_list(account=account)[:5],
    }
    return render(request, "audience/contacts/list.html", context)


def _contact_form_page(request: AccountRequest, *, contact: Contact | None = None) -> HttpResponse:
    definitions = attribute_definitions(account=request.account)
    initial = _contact_initial(contact) if contact else None
    form = ContactForm(request.POST or None, initial=initial, definitions=definitions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if contact is None:
                    contact = contact_services.contact_create(
                        account=request.account, data=form.as_data()
                    )
                    messages.success(request, f"{contact} added.")
                else:
                    contact = contact_services.contact_update(contact=contact, data=form.as_data())
                    messages.success(request, f"{contact} saved.")
            except ValidationFailed as exc:
                form.show_problems(
                    exc.extra.get("problems") or [{"field": "", "message": exc.message}]
                )
            else:
                return redirect("audience:contact_detail", contact_id=contact.pk)
        status = 422
    context = {"nav": "audience", "form": form, "contact": contact}
    return render(request, "audience/contacts/detail.html", context, status=status)


@member_required(permission="edit")
def contact_create_view(request: AccountRequest) -> HttpResponse:
    return _contact_form_page(request)


@member_required(permission="edit", writes_only=True)
def contact_detail_view(request: AccountRequest, contact_id: int) -> HttpResponse:
    contact = _or_404(selectors.contact_get, account=request.account, contact_id=contact_id)
    return _contact_form_page(request, contact=contact)


@require_POST
@member_required(permission="edit")
def contact_delete_view(request: AccountRequest, contact_id: int) -> HttpResponse:
    contact = _or_404(selectors.contact_get, account=request.account, contact_id=contact_id)
    contact_services.contact_delete(contact=contact)
    messages.success(request, f"{contact} deleted.")
    return redirect("audience:contacts")


@require_POST
@member_required(permission="edit")
def contact_email_bounce_clear_view(request: AccountRequest, contact_id: int) -> HttpResponse:
    contact = _or_404(selectors.contact_get, account=request.account, contact_id=contact_id)
    email_consent.contact_email_bounce_clear(contact=contact)
    messages.success(request, f"Bounce cleared: e-mails will try {contact.email} again.")
    return redirect("audience:contact_detail", contact_id=contact.pk)


@member_required
def contact_export_view(request: AccountRequest) -> HttpResponseBase:
    segment_id = request.GET.get("segment") or None
    try:
        return export_response(account=request.account, segment_id=segment_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("audience:contacts")


class ImportForm(StorableTextMixin, forms.Form):
    file = forms.FileField(label="CSV file")
    review = forms.BooleanField(
        required=False, initial=True, label="Review the columns before importing"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "First row: column names. UTF-8 or Excel CSV, up to "
            f"{size_text(settings.CONTACT_IMPORT_MAX_BYTES)}."
        )


@member_required(permission="edit")
def import_upload_view(request: MemberRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            review = form.cleaned_data["review"]
            try:
                job = import_services.import_create(
                    account=request.account,
                    upload=form.cleaned_data["file"],
                    created_by=request.user,
                    queue=not review,
                )
            except ValidationFailed as exc:
                form.add_error("file", exc.message.removeprefix("file: "))
            else:
                if review:
                    return redirect("audience:import_mapping", job_id=job.pk)
                return redirect("audience:import_job", job_id=job.pk)
        status = 422
    context = {"nav": "audience", "form": form}
    return render(request, "audience/contacts/import.html", context, status=status)


@member_required(permission="edit")
def import_mapping_view(request: AccountRequest, job_id: int) -> HttpResponse:
    job = _or_404(selectors.import_job_get, account=request.account, job_id=job_id)
    if job.queued_at is not None:
        return redirect("audience:import_job", job_id=job.pk)
    columns = import_services.import_preview(job=job)
    problems: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        mapping = {c["name"]: request.POST.get(f"col_{i}", "ignore") for i, c in enumerate(columns)}
        for column in columns:
            column["target"] = mapping[column["name"]]
        try:
            import_services.import_queue(job=job, mapping=mapping)
        except ValidationFailed as exc:
            problems = exc.extra.get("problems") or [{"field": "", "message": exc.message}]
            status = 422
        else:
            return redirect("audience:import_job", job_id=job.pk)
    definitions = attribute_definitions(account=request.account)
    choices = [*FIELD_CHOICES]
    choices += [
        (f"attributes.{key}", f"Attribute: {d.label} ({d.type})") for key, d in definitions.items()
    ]
    known = {value for value, _ in choices}
    rows = []
    for column in columns:
        target = column["target"]
        column_choices = list(choices)
        if target.startswith("attributes.") and target not in known:
            column_choices.append((target, f"New attribute: {target[11:]} (type inferred)"))
        column_choices.append(("ignore", "Do not import"))
        rows.append({**column, "choices": column_choices})
    context = {"nav": "audience", "job": job, "columns": rows, "problems": problems}
    return render(request, "audience/contacts/mapping.html", context, status=status)


def _job_context(job: ImportJob) -> dict[str, object]:
    return {
        "nav": "audience",
        "job": job,
        "progress": import_services.import_progress(job),
        "finished": job.status in (ImportJob.Status.COMPLETED, ImportJob.Status.FAILED),
    }


@member_required
def import_job_view(request: AccountRequest, job_id: int) -> HttpResponse:
    job = _or_404(selectors.import_job_get, account=request.account, job_id=job_id)
    context = _job_context(job)
    context["new_attributes"] = job.new_attributes
    return render(request, "audience/contacts/job.html", context)


@member_required
def import_progress_view(request: AccountRequest, job_id: int) -> HttpResponse:
    job = _or_404(selectors.import_job_get, account=request.account, job_id=job_id)
    return render(request, "audience/contacts/_progress.html", _job_context(job))


def _private_download(file: FieldFile, *, filename: str) -> FileResponse:
    """A private file as an attachment that no cache keeps."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type="text/csv"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# The upload and its rejected rows are the raw personal data of an import, read only by the
# roles that may import ("edit"); a viewer follows the job's progress and counts. Another
# account's job is a 404 (the selector), a signed-out visitor is sent to the login page.
@member_required(permission="edit")
def import_file_view(request: AccountRequest, job_id: int) -> FileResponse:
    job = _or_404(selectors.import_job_get, account=request.account, job_id=job_id)
    return _private_download(job.file, filename=job.original_name or f"import-{job.pk}.csv")


@member_required(permission="edit")
def import_errors_view(request: AccountRequest, job_id: int) -> FileResponse:
    job = _or_404(selectors.import_job_get, account=request.account, job_id=job_id)
    if not job.error_file:
        raise Http404("This import has no rejected rows.")
    return _private_download(job.error_file, filename=f"import-{job.pk}-rejected-rows.csv")


urlpatterns = [
    path("", lambda request: redirect("audience:contacts"), name="home"),
    path("contacts/", contact_list_view, name="contacts"),
    path("contacts/new/", contact_create_view, name="contact_create"),
    path("contacts/export/", contact_export_view, name="contacts_export"),
    path("contacts/import/", import_upload_view, name="contacts_import"),
    path("contacts/import/<int:job_id>/", import_job_view, name="import_job"),
    path("contacts/import/<int:job_id>/mapping/", import_mapping_view, name="import_mapping"),
    path("contacts/import/<int:job_id>/progress/", import_progress_view, name="import_progress"),
    path("contacts/import/<int:job_id>/file.csv", import_file_view, name="import_file"),
    path("contacts/import/<int:job_id>/errors.csv", import_errors_view, name="import_errors"),
    path("contacts/<int:contact_id>/", contact_detail_view, name="contact_detail"),
    path("contacts/<int:contact_id>/delete/", contact_delete_view, name="contact_delete"),
    path(
        "contacts/<int:contact_id>/email-bounce/clear/",
        contact_email_bounce_clear_view,
        name="contact_email_bounce_clear",
    ),
]
