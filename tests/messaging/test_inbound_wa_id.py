"""An inbound STOP finds its contact when the WhatsApp id is not the E.164 number.

Meta's description says it plainly ("a WhatsApp user's ID and phone number may not always
match"). Brazil: accounts registered before mobile numbers got their ninth digit keep the
old 8 digits in their ``wa_id``. Mexico: ``wa_id`` keeps the ``1`` that mobile numbers lost
after ``+52``. The examples use each country's real numbering (area codes of São Paulo,
Brasília, Mexico City, Monterrey), checked with phonenumbers' metadata; the bodies follow
Meta's description, and pywa reads the same sender and words from them.
"""

import phonenumbers
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pywa import WhatsApp
from pywa.types import CallbackButton, Message

from analytics.models import Event
from audience.phones import wa_id_candidates
from messaging.services.inbound import contacts_unsubscribe_by_wa_id
from tests.factories import ContactFactory
from tests.messaging.meta_schema import INBOUND
from tests.messaging.meta_schema import errors as meta_errors
from tests.messaging.payloads import PHONE_NUMBER_ID, post

# (wa_id, the contact's E.164 number)
BRAZIL = [
    ("551187654321", "+5511987654321"),  # São Paulo mobile registered before the ninth digit
    ("556182345678", "+5561982345678"),  # Brasília, the same
    ("5511987654321", "+5511987654321"),  # registered after: the same digits
]
MEXICO = [
    ("5215512345678", "+525512345678"),  # Mexico City mobile, wa_id with the old "1"
    ("5218112345678", "+528112345678"),  # Monterrey, the same
    ("525512345678", "+525512345678"),  # a wa_id without it: the same digits
]


@pytest.mark.parametrize(("wa_id", "e164"), BRAZIL + MEXICO)
def test_the_contacts_number_is_among_the_candidates(wa_id, e164):
    # the number as stored (valid, a mobile) ...
    number = phonenumbers.parse(e164)
    assert phonenumbers.is_valid_number(number)
    assert phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    # ... is one of the wa_id's candidates, the wa_id's own digits first
    candidates = wa_id_candidates(wa_id)
    assert candidates[0] == f"+{wa_id}"
    assert e164 in candidates
    # and every other candidate is a valid number
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(c)) for c in candidates[1:])


@pytest.mark.parametrize(
    "wa_id",
    [
        "551133334444",  # São Paulo landline: a nine would name someone else's mobile
        "16505551234",
        "447700900123",
        "5491123456789",  # Argentina: the wa_id is the E.164 number
    ],
)
def test_other_numbers_have_only_their_own_form(wa_id):
    assert wa_id_candidates(wa_id) == (f"+{wa_id}",)


def test_no_digits_no_candidates():
    assert wa_id_candidates("") == ()
    assert wa_id_candidates(None) == ()


def inbound_body(wa_id: str, part: dict, schema: str) -> dict:
    """A ``messages`` notification as Meta's description has it: one message from ``wa_id``
    (``part``: its type and content), checked against the description's ``schema``."""
    message = {"from": wa_id, "id": "wamid.HBgMNTUxMTg3NjU0MzIxFQIAEhgg", "timestamp": "1750263900"}
    message |= part
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
        # user_id: the business-scoped user id that current payloads carry beside wa_id
        "contacts": [
            {"profile": {"name": "Ana"}, "wa_id": wa_id, "user_id": "US.13491208655302741918"}
        ],
        "messages": [message],
    }
    assert meta_errors("Metadata", value["metadata"]) == []
    assert meta_errors("ContactProfile", value["contacts"][0]) == []
    assert meta_errors(schema, message, renames=INBOUND) == []
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }


def text(words: str) -> dict:
    return {"type": "text", "text": {"body": words}}


def _pywa():
    return WhatsApp(phone_id=PHONE_NUMBER_ID, token="x", server=None)


@pytest.mark.parametrize(("wa_id", "e164"), BRAZIL + MEXICO)
def test_a_stop_from_the_wa_id_unsubscribes_the_contact(client, whatsapp_sender, wa_id, e164):
    # given: the contact, stored under its E.164 number
    contact = ContactFactory(account=whatsapp_sender.account, phone=e164)
    body = inbound_body(wa_id, text("STOP"), "TextMessage_2")
    # pywa reads the same sender and words from this body
    read = Message.from_update(client=_pywa(), update=body)
    assert (read.from_user.wa_id, read.text) == (wa_id, "STOP")
    # when
    response = post(client, body)
    # then
    assert response.status_code == 200
    assert response.json()["unsubscribed"] == 1
    contact.refresh_from_db()
    assert not contact.subscribed
    event = Event.objects.get(type=Event.Type.UNSUBSCRIBED)
    assert (event.contact_id, event.data["phone"]) == (contact.pk, e164)


def test_a_stop_from_a_landline_wa_id_leaves_the_mobile_with_a_nine_alone(client, whatsapp_sender):
    # +55 11 9 3333-4444 is a different person from the landline +55 11 3333-4444
    mobile = ContactFactory(account=whatsapp_sender.account, phone="+5511933334444")
    landline = ContactFactory(account=whatsapp_sender.account, phone="+551133334444")
    post(client, inbound_body("551133334444", text("STOP"), "TextMessage_2"))
    mobile.refresh_from_db()
    landline.refresh_from_db()
    assert mobile.subscribed
    assert not landline.subscribed


def test_the_lookup_is_one_query_on_the_indexed_number(account):
    contacts = [ContactFactory(account=account, phone=e164) for _, e164 in BRAZIL[:2] + MEXICO[:2]]
    wa_ids = [wa_id for wa_id, _ in BRAZIL[:2] + MEXICO[:2]]
    with CaptureQueriesContext(connection) as queries:
        assert contacts_unsubscribe_by_wa_id(account_id=account.pk, wa_ids=wa_ids) == 4
    selects = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and "audience_contact" in q["sql"]
    ]
    assert len(selects) == 1
    # the (account, phone) unique index answers it: account and phone IN (...)
    assert '"account_id" =' in selects[0]
    assert '"phone" IN' in selects[0]
    assert all(not c.__class__.objects.get(pk=c.pk).subscribed for c in contacts)


def test_a_quick_reply_whose_payload_is_stop_unsubscribes(client, whatsapp_sender):
    # given: a template's "Not interested" button, whose payload is "stop"
    contact = ContactFactory(account=whatsapp_sender.account, phone="+5511987654321")
    part = {
        "type": "button",
        "context": {"from": "15550783881", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI"},
        "button": {"text": "Not interested", "payload": "stop"},
    }
    body = inbound_body("551187654321", part, "ButtonMessage")
    read = CallbackButton.from_update(client=_pywa(), update=body)
    assert (read.title, read.data) == ("Not interested", "stop")
    # when
    post(client, body)
    # then
    contact.refresh_from_db()
    assert not contact.subscribed


def test_an_interactive_reply_whose_id_is_stop_unsubscribes(client, whatsapp_sender):
    contact = ContactFactory(account=whatsapp_sender.account, phone="+525512345678")
    part = {
        "type": "interactive",
        "context": {"from": "15550783881", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI"},
        "interactive": {"type": "button_reply", "button_reply": {"id": "stop", "title": "No"}},
    }
    post(client, inbound_body("5215512345678", part, "InteractiveMessageReply"))
    contact.refresh_from_db()
    assert not contact.subscribed


def test_a_reply_that_is_not_a_stop_keeps_the_subscription(client, whatsapp_sender):
    contact = ContactFactory(account=whatsapp_sender.account, phone="+525512345678")
    part = {
        "type": "button",
        "context": {"from": "15550783881", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI"},
        "button": {"text": "Yes please", "payload": "more-info"},
    }
    post(client, inbound_body("5215512345678", part, "ButtonMessage"))
    contact.refresh_from_db()
    assert contact.subscribed
