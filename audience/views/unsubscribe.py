"""The public e-mail unsubscribe page behind every e-mail's ``List-Unsubscribe`` link.

No sign-in: the signed token in the URL is the proof (``audience.unsubscribe``).

- GET shows a confirmation with a button and changes nothing, since mail scanners and link
  previews open links.
- POST with the body ``List-Unsubscribe=One-Click`` is RFC 8058's one-click unsubscribe, which
  Gmail and Yahoo send from their own servers, without cookies or a CSRF token: it is the one
  request exempt from CSRF.
- POST from the page's button carries our CSRF token like any other form, and is checked.

A malformed or tampered token gets a friendly page with 400 and changes nothing.
"""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import Account
from audience.models import Contact
from audience.services.email_consent import contact_email_unsubscribe
from audience.unsubscribe import email_unsubscribe_read

TEMPLATE = "audience/unsubscribe.html"
ONE_CLICK = "One-Click"


def _masked(address: str) -> str:
    """``j•••@example.org``: enough for the person to recognise, little for whoever else
    holds a forwarded link."""
    local, _, domain = (address or "").partition("@")
    if not domain:
        return ""
    return f"{local[:1]}•••@{domain}"


def _not_called(request: HttpRequest) -> HttpResponse:
    raise AssertionError("process_view calls neither the next handler nor the view")


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """Django's own CSRF check for the button's POST; None when it passes. The middleware is
    handed a stand-in for the rest of the chain and for the view (not marked csrf_exempt)."""
    return CsrfViewMiddleware(_not_called).process_view(request, _not_called, (), {})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def email_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    claim = email_unsubscribe_read(token)
    if claim is None:
        return render(request, TEMPLATE, {"state": "invalid"}, status=400)
    account = Account.objects.filter(pk=claim.account_id).first()
    contact = Contact.objects.filter(account_id=claim.account_id, pk=claim.contact_id).first()
    context = {"account": account, "address": _masked(contact.email if contact else "")}
    if request.method != "POST":
        done = contact is None or contact.email_opted_out_at is not None
        context["state"] = "done" if done else "confirm"
        return render(request, TEMPLATE, context)
    one_click = request.POST.get("List-Unsubscribe") == ONE_CLICK
    if not one_click and _csrf_refusal(request) is not None:
        context["state"] = "expired"
        return render(request, TEMPLATE, context, status=403)
    contact_email_unsubscribe(claim=claim, source="one-click" if one_click else "email-link")
    context["state"] = "done"
    return render(request, TEMPLATE, context)
