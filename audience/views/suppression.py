"""The suppression list page: phones and emails no campaign may message (list, add, remove)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.request import AccountRequest
from audience import selectors
from audience.services import suppression as services
from core.errors import Conflict, NotFound, ValidationFailed
from core.forms import StorableTextMixin

PAGE_SIZE = 50


class SuppressionForm(StorableTextMixin, forms.Form):
    phone = forms.CharField(required=False, max_length=40, label="Phone number")
    email = forms.CharField(required=False, max_length=254, label="Email address")
    reason = forms.CharField(required=False, max_length=200, label="Reason")


@member_required(permission="edit", writes_only=True)
def suppression_view(request: AccountRequest) -> HttpResponse:
    form = SuppressionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.suppression_add(
                    account=request.account,
                    phone=data["phone"],
                    email=data["email"],
                    reason=data["reason"],
                )
            except ValidationFailed as exc:
                for problem in exc.extra.get("problems") or [
                    {"field": None, "message": exc.message}
                ]:
                    field = problem["field"] if problem["field"] in form.fields else None
                    form.add_error(field, problem["message"])
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{entry} will never be messaged.")
                return redirect("audience:suppression")
        status = 422
    q = request.GET.get("q", "").strip()[:100]
    entries = selectors.suppression_list(account=request.account, q=q)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav": "audience", "form": form, "page_obj": page, "q": q}
    return render(request, "audience/suppression/list.html", context, status=status)


@require_POST
@member_required(permission="edit")
def suppression_delete_view(request: AccountRequest, entry_id: int) -> HttpResponse:
    try:
        entry = selectors.suppression_get(account=request.account, entry_id=entry_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    services.suppression_remove(entry=entry)
    messages.success(request, f"{entry} removed from the suppression list.")
    return redirect("audience:suppression")


suppression_patterns = [
    path("suppression/", suppression_view, name="suppression"),
    path("suppression/<int:entry_id>/delete/", suppression_delete_view, name="suppression_delete"),
]
