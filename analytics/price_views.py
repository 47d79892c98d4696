"""The price table page: owners and managers edit what each message costs the account."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import member_required
from accounts.request import MemberRequest
from analytics.models import MessagePrice
from analytics.price_defaults import EMAIL_PRICE, converted_from_dollars
from analytics.price_forms import PriceFormSet
from analytics.pricing import prices_update


@member_required(permission="manage")
@require_http_methods(["GET", "POST"])
def price_table(request: MemberRequest) -> HttpResponse:
    account = request.account
    queryset = MessagePrice.objects.for_account(account).order_by("channel", "category", "country")
    formset = PriceFormSet(request.POST or None, queryset=queryset)
    if request.method == "POST":
        if formset.is_valid():
            changed = formset.save(commit=False)
            prices_update(account=account, changed=changed, deleted=formset.deleted_objects)
            messages.success(request, "Prices saved.")
            return redirect("prices:edit")
    status = 422 if formset.is_bound else 200
    context = {
        "nav": "settings",
        "formset": formset,
        "converted": converted_from_dollars(account.currency),
        "email_price": EMAIL_PRICE,
    }
    return render(request, "analytics/prices.html", context, status=status)
