"""Quick send to the account's test contacts, through the same adapters real sends use.

Test sends create no recipients and touch no campaign counters: they are for the team's own
phones, so they never count in stats, frequency caps or the audience's history.
"""

from dataclasses import dataclass

from django.db import transaction

from audience.models import Contact
from campaigns.models import Campaign, TestContact
from campaigns.services.personalization import message_render, personalization_context
from core.errors import ValidationFailed
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from templates_app.rendering import template_render

MAX_TEST_CONTACTS = 10


@dataclass
class TestSendResult:
    contact_id: int
    to: str
    text: str
    ok: bool
    provider_message_id: str = ""
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "contactId": self.contact_id,
            "to": self.to,
            "text": self.text,
            "ok": self.ok,
            "providerMessageId": self.provider_message_id,
            "error": self.error,
        }


def test_contacts_list(*, account):
    return TestContact.objects.for_account(account).select_related("contact").order_by("created_at")


@transaction.atomic
def test_contact_add(*, account, contact: Contact) -> TestContact:
    if contact.account_id != account.pk:
        raise ValidationFailed("That contact is not in this account.")
    if TestContact.objects.for_account(account).count() >= MAX_TEST_CONTACTS:
        raise ValidationFailed(f"Keep at most {MAX_TEST_CONTACTS} test contacts.")
    entry, _ = TestContact.objects.get_or_create(account=account, contact=contact)
    return entry


def test_contact_remove(*, account, contact_id: int) -> None:
    TestContact.objects.for_account(account).filter(contact_id=contact_id).delete()


def _outbound(campaign: Campaign, contact: Contact, text: str) -> OutboundMessage:
    template = None
    if campaign.message_type == Campaign.MessageType.TEMPLATE and campaign.template_id:
        template = {"name": campaign.template.name, "language": campaign.template.language}
    return OutboundMessage(
        recipient_id=0,
        callback_data=f"test:{campaign.pk}:{contact.pk}",
        to_phone=contact.phone or "",
        to_email=contact.email or "",
        contact_id=contact.pk,
        type=campaign.message_type,
        text=text,
        subject=_subject(campaign, contact),
        template=template,
        media_urls=tuple(campaign.media_urls or ()),
        buttons=tuple(b for b in (campaign.buttons or []) if isinstance(b, dict)),
    )


def _subject(campaign: Campaign, contact: Contact) -> str:
    """The e-mail subject as this contact gets it (the pipeline renders it the same way)."""
    if not campaign.subject:
        return ""
    context, fallbacks = personalization_context(
        personalization=campaign.personalization or {}, contact=contact
    )
    return template_render(campaign.subject, context=context, fallbacks=fallbacks)


def campaign_test_send(*, campaign: Campaign) -> list[TestSendResult]:
    """Render for each test contact and send now; answers what was sent to whom."""
    if campaign.sender is None:
        raise ValidationFailed(
            "Choose the sender first.",
            extra={"problems": [{"field": "phoneNumberId", "message": "Choose the sender."}]},
        )
    contacts = [t.contact for t in test_contacts_list(account=campaign.account)]
    if not contacts:
        raise ValidationFailed(
            "Add at least one test contact first.",
            extra={"problems": [{"field": "testContacts", "message": "No test contacts."}]},
        )
    rendered = [(c, message_render(campaign=campaign, contact=c)) for c in contacts]
    adapter = get_adapter(campaign.sender)
    try:
        results = adapter.send_many([_outbound(campaign, c, text) for c, text in rendered])
    finally:
        adapter.close()
    return [
        TestSendResult(
            contact_id=c.pk,
            to=c.phone or c.email,
            text=text,
            ok=r.ok,
            provider_message_id=r.provider_message_id,
            error=r.error_message,
        )
        for (c, text), r in zip(rendered, results, strict=True)
    ]
