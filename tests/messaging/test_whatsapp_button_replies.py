"""A tapped button unsubscribes by the value we sent with it, not by its label.

The inbound messages follow Meta's own examples in the official description (``ButtonMessage``
and ``InteractiveMessageReply`` under ``components/schemas``), with our values in them.
"""

import copy

import pytest

from tests.factories import ContactFactory
from tests.messaging.meta_schema import spec
from tests.messaging.payloads import notification, post

pytestmark = pytest.mark.django_db
PHONE = "+16505551234"


def _meta_example(schema: str) -> dict:
    return copy.deepcopy(spec()["components"]["schemas"][schema]["allOf"][1]["example"])


def _quick_reply(payload: str, text: str) -> dict:
    message = _meta_example("ButtonMessage")
    message["from"] = PHONE.lstrip("+")
    message["button"] = {"payload": payload, "text": text}
    return message


def _reply_button(reply_id: str, title: str) -> dict:
    message = _meta_example("InteractiveMessageReply")
    message["from"] = PHONE.lstrip("+")
    message["interactive"] = {
        "type": "button_reply",
        "button_reply": {"id": reply_id, "title": title},
    }
    return message


@pytest.mark.parametrize(
    "message",
    [_quick_reply("stop", "Not interested"), _reply_button("stop", "Not interested")],
    ids=["template quick reply", "interactive reply button"],
)
def test_a_not_interested_button_whose_value_is_stop_unsubscribes(client, whatsapp_sender, message):
    # given a contact who taps "Not interested", sent with the value "stop"
    contact = ContactFactory(account=whatsapp_sender.account, phone=PHONE)
    # when WhatsApp posts the reply
    response = post(client, notification(messages=[message]))
    # then the contact is unsubscribed
    assert response.status_code == 200
    assert response.json()["unsubscribed"] == 1
    contact.refresh_from_db()
    assert not contact.subscribed
