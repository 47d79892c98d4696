"""The senders page: every member sees the list; managers create, edit and delete."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import member_required
from accounts.request import AccountRequest, MemberRequest
from core.errors import ApplicationError, NotFound
from messaging import selectors
from messaging.forms import SenderForm
from messaging.limits import limits_summary, tier_label
from messaging.models import Sender
from messaging.services.limits import sender_limits_read
from messaging.services.senders import sender_create, sender_delete, sender_update


def _sender_or_404(request: AccountRequest, sender_id: int) -> Sender:
    try:
        return selectors.sender_get(account=request.account, sender_id=sender_id)
    except NotFound:
        raise Http404("Sender not found.") from None


@member_required
@require_http_methods(["GET"])
def sender_list(request: MemberRequest) -> HttpResponse:
    senders = list(selectors.sender_list(account=request.account))
    for sender in senders:
        sender.limits = limits_summary(sender)  # type: ignore[attr-defined]  # for the page
    return render(
        request,
        "messaging/senders/list.html",
        {
            "nav": "messaging",
            "senders": senders,
            "can_manage": request.membership.can("manage"),
        },
    )


def _save(
    request: AccountRequest, form: SenderForm, save: Callable[[dict[str, Any]], Sender]
) -> Sender | None:
    """Run ``save(data)``; a service error goes back onto the form. The saved sender or None."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ApplicationError as exc:
        problems = exc.extra.get("problems")
        if problems:
            form.add_problems(problems)
        else:
            form.add_error(None, exc.message)
        return None


@member_required(permission="manage")
@require_http_methods(["GET", "POST"])
def sender_create_view(request: AccountRequest) -> HttpResponse:
    form = SenderForm(request.POST or None)
    if request.method == "POST":
        sender = _save(
            request, form, lambda data: sender_create(account=request.account, data=data)
        )
        if sender is not None:
            messages.success(request, f"Sender “{sender.name}” created.")
            return redirect("messaging:senders")
    return render(
        request, "messaging/senders/form.html", {"nav": "messaging", "form": form, "sender": None}
    )


@member_required(permission="manage")
@require_http_methods(["GET", "POST"])
def sender_edit_view(request: AccountRequest, sender_id: int) -> HttpResponse:
    sender = _sender_or_404(request, sender_id)
    form = SenderForm(request.POST or None, sender=sender)
    if request.method == "POST":
        saved = _save(request, form, lambda data: sender_update(sender=sender, data=data))
        if saved is not None:
            messages.success(request, f"Sender “{saved.name}” saved.")
            return redirect("messaging:senders")
        sender.refresh_from_db()
    return render(
        request,
        "messaging/senders/form.html",
        {"nav": "messaging", "form": form, "sender": sender, "limits": limits_summary(sender)},
    )


@member_required(permission="manage")
@require_POST
def sender_limits_check_view(request: AccountRequest, sender_id: int) -> HttpResponse:
    """Ask WhatsApp for the number's tier and quality now, rather than at the next hour."""
    sender = _sender_or_404(request, sender_id)
    back = redirect("messaging:sender_edit", sender_id=sender.pk)
    if sender.channel != Sender.Channel.WHATSAPP:
        messages.error(request, "Only WhatsApp senders have a tier and quality to read.")
        return back
    sender_limits_read(sender)
    summary = limits_summary(sender)
    if sender.limits_error:
        error = summary.error if summary is not None else sender.limits_error
        messages.error(request, f"The tier could not be read: {error}")
    else:
        quality = f" Quality: {sender.quality_rating.title()}." if sender.quality_rating else ""
        messages.success(request, f"WhatsApp says: {tier_label(sender.limit_tier_read)}.{quality}")
    return back


@member_required(permission="manage")
@require_POST
def sender_delete_view(request: AccountRequest, sender_id: int) -> HttpResponse:
    sender = _sender_or_404(request, sender_id)
    name = sender.name
    try:
        sender_delete(sender=sender)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Sender “{name}” deleted.")
    return redirect("messaging:senders")
