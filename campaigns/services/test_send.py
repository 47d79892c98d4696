"""Quick send to the account's test contacts, through the same adapters real sends use.

Test sends create no recipients and touch no campaign counters: they are for the team's own
phones, so they never count in stats, frequency caps or the audience's history.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import Account
from audience.models import Contact
from campaigns.models import Campaign, TestContact
from campaigns.services.personalization import message_builder, messages_build_and_send
from core.errors import ValidationFailed
from messaging.providers.registry import get_adapter

MAX_TEST_CONTACTS = 10


@dataclass
class TestSendResult:
    contact_id: int
    to: str
    text: str
    ok: bool
    provider_message_id: str = ""
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "contactId": self.contact_id,
            "to": self.to,
            "text": self.text,
            "ok": self.ok,
            "providerMessageId": self.provider_message_id,
            "error": self.error,
        }


def test_contacts_list(*, account: Account) -> QuerySet[TestContact]:
    return TestContact.objects.for_account(account).select_related("contact").order_by("created_at")


@transaction.atomic
def test_contact_add(*, account: Account, contact: Contact) -> TestContact:
    if contact.account_id != account.pk:
        raise ValidationFailed("That contact is not in this account.")
    if TestContact.objects.for_account(account).count() >= MAX_TEST_CONTACTS:
        raise ValidationFailed(f"Keep at most {MAX_TEST_CONTACTS} test contacts.")
    entry, _ = TestContact.objects.get_or_create(account=account, contact=contact)
    return entry


def test_contact_remove(*, account: Account, contact_id: int) -> None:
    TestContact.objects.for_account(account).filter(contact_id=contact_id).delete()


def campaign_test_send(*, campaign: Campaign) -> list[TestSendResult]:
    """Build for each test contact and send now; answers what was sent to whom.

    The message is built by the pipeline's own builder (``message_builder``): a template goes
    out with the same components a recipient's would, and a contact for whom it cannot be
    built (a template parameter without a value) gets the reason, without a request.
    """
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
    builder = message_builder(campaign)
    adapter = get_adapter(campaign.sender)
    try:
        outcomes = messages_build_and_send(
            adapter,
            contacts,
            lambda c: builder.build(c, callback_data=f"test:{campaign.pk}:{c.pk}"),
        )
    finally:
        adapter.close()
    return [
        TestSendResult(
            contact_id=contact.pk,
            to=contact.phone or contact.email,
            text=message.text if message is not None else "",
            ok=result.ok,
            provider_message_id=result.provider_message_id,
            error=result.error_message,
        )
        for contact, (message, result) in zip(contacts, outcomes, strict=True)
    ]
