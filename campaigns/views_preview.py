"""The preview page: each variant on a phone frame for sample contacts, and quick test sends."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.request import AccountRequest
from audience.models import Contact
from audience.phones import phone_normalise
from campaigns.models import Campaign
from campaigns.services.personalization import message_builder
from campaigns.services.test_send import (
    campaign_test_send,
    test_contact_add,
    test_contact_remove,
    test_contacts_list,
)
from campaigns.views.access import with_campaign
from campaigns.wizard.context import message_samples, sample_contacts
from core.errors import ValidationFailed


def _variant_messages(campaign: Campaign) -> list[tuple[str, dict[str, Any] | None]]:
    variants: list[tuple[str, dict[str, Any] | None]] = [
        (v.name, v.message if isinstance(v.message, dict) else {})
        for v in campaign.variants.order_by("key")
    ]
    return variants or [("Message", None)]


@member_required
@with_campaign
def campaign_preview_view(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    contacts = sample_contacts(campaign)
    rows = []
    for name, message in _variant_messages(campaign):
        builder = message_builder(campaign, message)
        raw = builder.template.body if builder.template else builder.source.content
        rows.append(
            {
                "name": name,
                "raw": raw,
                "buttons": builder.buttons_shown(None),
                "samples": message_samples(builder, contacts),
            }
        )
    return render(
        request,
        "campaigns/preview.html",
        {
            "nav": "campaigns",
            "campaign": campaign,
            "rows": rows,
            "test_contacts": test_contacts_list(account=request.account),
            "results": request.session.pop(f"test-send-{campaign.pk}", None),
        },
    )


@require_POST
@member_required(permission="send")
@with_campaign
def campaign_test_send_view(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    try:
        results = campaign_test_send(campaign=campaign)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        sent = sum(r.ok for r in results)
        messages.success(request, f"Test sent to {sent} of {len(results)} test contacts.")
        request.session[f"test-send-{campaign.pk}"] = [r.as_dict() for r in results]
    return redirect("campaigns:preview", campaign.pk)


@require_POST
@member_required(permission="edit")
@with_campaign
def test_contact_change_view(request: AccountRequest, campaign: Campaign) -> HttpResponse:
    """Add a test contact by phone (the account's existing contact) or remove one."""
    if request.POST.get("remove"):
        remove = request.POST["remove"]
        if remove.isdigit():
            test_contact_remove(account=request.account, contact_id=int(remove))
        return redirect("campaigns:preview", campaign.pk)
    raw = (request.POST.get("phone") or "").strip()
    try:
        phone = phone_normalise(raw, region=request.account.default_phone_region)
        contact = Contact.objects.for_account(request.account).filter(phone=phone).first()
        if contact is None:
            raise ValidationFailed(f"No contact with the number {phone}; add the contact first.")
        test_contact_add(account=request.account, contact=contact)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:preview", campaign.pk)
