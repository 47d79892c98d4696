"""The wizard's message step shows what WhatsApp would refuse, on the field it concerns."""

import html

import pytest

pytestmark = pytest.mark.django_db


def _to_message_step(new_wizard, audience_data):
    new_wizard.start()
    new_wizard.post("basics", {"name": "Buttons", "type": "broadcast"})
    new_wizard.post("audience", {"audience_type": "all", "exclude_unsubscribed": "on"})


def _message(new_wizard, audience_data, buttons, **fields):
    data = {
        "sender": audience_data["sender"].pk,
        "message_type": "interactive",
        "message_content": "Want the deal?",
        **fields,
    }
    for i, (kind, text, value) in enumerate(buttons):
        data |= {f"button_{i}_type": kind, f"button_{i}_text": text, f"button_{i}_value": value}
    return new_wizard.post("message", data)


def test_a_call_button_in_an_interactive_message_is_refused_on_its_row(new_wizard, audience_data):
    _to_message_step(new_wizard, audience_data)
    page = _message(
        new_wizard,
        audience_data,
        [("quickreply", "Yes", "yes"), ("call", "Call us", "+14155550123")],
    )
    assert b"Step 3 of 6" in page.content
    form = page.context["wizard"]["form"]
    assert "call buttons only in approved templates" in form.errors["button_1_text"][0]
    assert "call buttons only in approved templates" in html.unescape(page.content.decode())


def test_a_url_button_with_reply_buttons_is_refused_with_the_reason(new_wizard, audience_data):
    _to_message_step(new_wizard, audience_data)
    page = _message(
        new_wizard,
        audience_data,
        [("url", "Shop", "https://shop.example.com"), ("quickreply", "Yes", "yes")],
    )
    assert b"Step 3 of 6" in page.content
    shown = html.unescape(page.content.decode())
    assert "cannot show a URL button and reply buttons in one message" in shown


def test_two_reply_buttons_with_one_label_are_refused(new_wizard, audience_data):
    _to_message_step(new_wizard, audience_data)
    page = _message(
        new_wizard, audience_data, [("quickreply", "Yes", "a"), ("quickreply", "Yes", "b")]
    )
    form = page.context["wizard"]["form"]
    assert "labelled “Yes”" in form.errors["button_1_text"][0]


def test_valid_reply_buttons_move_on(new_wizard, audience_data):
    _to_message_step(new_wizard, audience_data)
    page = _message(
        new_wizard, audience_data, [("quickreply", "Yes", "yes"), ("quickreply", "No", "stop")]
    )
    assert b"Step 4 of 6" in page.content
