"""Segment pages: the list with sizes, the filter builder (create / edit) and its live count.

The builder edits the tree in the browser (static/audience/builder.js) and posts it as JSON;
the server checks and counts it with the same code as the API, so a bad rule is reported
inline with the name the builder shows ("Rule 2.1").
"""

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.request import AccountRequest, MemberRequest
from audience import selectors
from audience.builder import builder_config
from audience.models import Segment
from audience.services import segments as services
from core.errors import ApplicationError, NotFound, ValidationFailed
from core.forms import StorableTextMixin

SAMPLE_SIZE = 10
MAX_FILTERS_BYTES = 200_000


class SegmentForm(StorableTextMixin, forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False,
        max_length=settings.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    filters = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def clean_filters(self) -> dict[str, Any]:
        return _read_tree(self.cleaned_data.get("filters", ""))


def _read_tree(raw: str) -> dict[str, Any]:
    raw = (raw or "").strip()
    if not raw:
        return {"op": "and", "rules": []}
    if len(raw) > MAX_FILTERS_BYTES:
        raise forms.ValidationError("The filter is too large.")
    try:
        tree = json.loads(raw)
    except ValueError:
        raise forms.ValidationError("The filter is not valid JSON.") from None
    if not isinstance(tree, dict):
        raise forms.ValidationError("The filter must be a JSON object.")
    return tree


def _segment(request: AccountRequest, segment_id: int | str) -> Segment:
    try:
        return selectors.segment_get(account=request.account, segment_id=segment_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


@member_required
def segment_list_view(request: AccountRequest) -> HttpResponse:
    segments = selectors.segment_list(account=request.account)
    return render(request, "audience/segments/list.html", {"nav": "audience", "segments": segments})


def _editor(request: AccountRequest, *, segment: Segment | None = None) -> HttpResponse:
    initial = {}
    if segment is not None:
        initial = {
            "name": segment.name,
            "description": segment.description,
            "filters": json.dumps(segment.filters or {"op": "and", "rules": []}),
        }
    form = SegmentForm(request.POST or None, initial=initial)
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if segment is None:
                saved = services.segment_create(
                    account=request.account,
                    name=data["name"],
                    description=data["description"],
                    filters=data["filters"],
                    actor=request.user,
                )
                messages.success(request, f"Segment “{saved.name}” created.")
            else:
                saved = services.segment_update(
                    segment=segment,
                    name=data["name"],
                    description=data["description"],
                    filters=data["filters"],
                )
                messages.success(request, f"Segment “{saved.name}” saved.")
            return redirect("audience:segments")
        except ValidationFailed as exc:
            problems = exc.extra.get("problems") or [{"field": "", "message": exc.message}]
            for problem in problems:
                if problem["field"] == "name":
                    form.add_error("name", problem["message"])
            problems = [p for p in problems if p["field"] != "name"]
    status = 422 if request.method == "POST" else 200
    filters_json = form["filters"].value() or json.dumps({"op": "and", "rules": []})
    context = {
        "nav": "audience",
        "form": form,
        "segment": segment,
        "problems": problems,
        "filters_json": filters_json,
        "config": builder_config(account=request.account, exclude_segment=segment),
    }
    return render(request, "audience/segments/edit.html", context, status=status)


@member_required(permission="edit", writes_only=True)
def segment_create_view(request: MemberRequest) -> HttpResponse:
    if request.method == "GET" and not request.membership.can("edit"):
        return redirect("audience:segments")
    return _editor(request)


@member_required(permission="edit", writes_only=True)
def segment_edit_view(request: AccountRequest, segment_id: int) -> HttpResponse:
    segment = _segment(request, segment_id)
    return _editor(request, segment=segment)


@require_POST
@member_required(permission="edit")
def segment_delete_view(request: AccountRequest, segment_id: int) -> HttpResponse:
    segment = _segment(request, segment_id)
    try:
        services.segment_delete(segment=segment)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Segment “{segment.name}” deleted.")
    return redirect("audience:segments")


@require_POST
@member_required(permission="edit")
def segment_recount_view(request: AccountRequest, segment_id: int) -> HttpResponse:
    segment = _segment(request, segment_id)
    try:
        services.segment_recount(segment=segment)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("audience:segments")


@require_POST
@member_required
def segment_count_view(request: AccountRequest) -> HttpResponse:
    """The builder's live count and sample for the posted tree (an htmx fragment)."""
    problems, count, sample = [], None, []
    posted_segment_id = request.POST.get("segment_id") or None
    segment_id: int | None = None
    try:
        tree = _read_tree(request.POST.get("filters", ""))
        if posted_segment_id is not None:
            segment_id = _segment(request, posted_segment_id).pk
        contacts = selectors.contacts_matching(
            account=request.account, filters=tree, segment_id=segment_id
        )
        count = selectors.audience_count(contacts)
        sample = list(contacts.order_by("-id")[:SAMPLE_SIZE])
    except forms.ValidationError as exc:
        problems = [{"field": "filters", "message": m} for m in exc.messages]
    except ValidationFailed as exc:
        problems = exc.extra.get("problems") or [{"field": "filters", "message": exc.message}]
    return render(
        request,
        "audience/segments/_count.html",
        {"count": count, "sample": sample, "problems": problems},
    )


segment_patterns = [
    path("segments/", segment_list_view, name="segments"),
    path("segments/new/", segment_create_view, name="segment_create"),
    path("segments/count/", segment_count_view, name="segment_count"),
    path("segments/<int:segment_id>/", segment_edit_view, name="segment_edit"),
    path("segments/<int:segment_id>/delete/", segment_delete_view, name="segment_delete"),
    path("segments/<int:segment_id>/recount/", segment_recount_view, name="segment_recount"),
]
