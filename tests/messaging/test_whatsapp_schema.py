"""Every request our WhatsApp adapter builds, checked against Meta's official OpenAPI
description of the Cloud API (tests/references/, validated by ``meta_request_schema``)."""

import copy

import pytest

from tests.factories import ContactFactory
from tests.messaging import meta_request_schema
from tests.messaging.meta_request_schema import assert_valid_request, request_errors
from tests.messaging.whatsapp_cases import (
    CASE_IDS,
    CASES,
    CONTACT,
    pywa_spelling,
    send_ours,
    send_pywa,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(account):
    return ContactFactory(account=account, **CONTACT)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_kind_of_request_we_build_validates(case, whatsapp_sender, provider, contact):
    # when our builder and adapter send the message to the stand-in
    body = send_ours(case, sender=whatsapp_sender, provider=provider, contact=contact)
    # then Meta's description accepts what arrived
    assert_valid_request(body)


def _without(correction):
    return tuple(c for c in meta_request_schema.CORRECTIONS if c is not correction)


def test_each_correction_of_the_description_is_needed_by_a_reference_request(provider):
    # given requests written by Meta (the description's own examples) and by pywa
    examples = meta_request_schema.spec_message_examples()
    by_name = {case.name: case for case in CASES}
    pywa_text = send_pywa(by_name["text"], provider=provider)
    pywa_cta = send_pywa(by_name["interactive cta_url"], provider=provider)
    needs = [
        (meta_request_schema._language_policy_optional, examples["Send Message Template Text"]),
        (meta_request_schema._button_index_digits, examples["Send Message Template Interactive"]),
        (meta_request_schema._allof_closed_members, examples["Send Text Message"]),
        (meta_request_schema._callback_data_on_messages, pywa_text),
        (meta_request_schema._cta_url_interactive, pywa_cta),
    ]
    assert {c for c, _ in needs} == set(meta_request_schema.CORRECTIONS)
    for correction, body in needs:
        # then each is valid with every correction, and refused without this one
        assert request_errors(body) == [], correction.__name__
        assert request_errors(body, corrections=_without(correction)), correction.__name__


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_pywas_requests_validate_too(case, provider):
    """The corrected description accepts an independent client's requests (in Meta's
    spelling: ``pywa_spelling`` only lower-cases and stringifies, see its docstring)."""
    assert_valid_request(pywa_spelling(send_pywa(case, provider=provider)))


TEMPLATE = {
    "messaging_product": "whatsapp",
    "recipient_type": "individual",
    "to": "+16505550007",
    "type": "template",
    "template": {
        "name": "spring_sale",
        "language": {"code": "en_US"},
        "components": [
            {
                "type": "header",
                "parameters": [{"type": "image", "image": {"link": "https://x/a.png"}}],
            },
            {"type": "body", "parameters": [{"type": "text", "text": "Ada"}]},
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": "A-1"}],
            },
        ],
    },
}
REPLY = {
    "messaging_product": "whatsapp",
    "recipient_type": "individual",
    "to": "+16505550007",
    "type": "interactive",
    "interactive": {
        "type": "button",
        "body": {"text": "Deal?"},
        "action": {"buttons": [{"type": "reply", "reply": {"id": "yes", "title": "Yes"}}]},
    },
}


def _changed(body: dict, path: str, value) -> dict:
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    node = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is KeyError:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return body


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (_changed(REPLY, "interactive.action.buttons", []), "reply buttons left empty"),
        (
            _changed(REPLY, "interactive.action.buttons.0.reply.title", "x" * 21),
            "a reply title over 20 characters",
        ),
        (_changed(REPLY, "interactive.type", "cta"), "an unknown interactive type"),
        (_changed(REPLY, "buttons", []), "a key no message has"),
        (
            _changed(TEMPLATE, "template.components.2.parameters", KeyError),
            "a URL button without its parameter",
        ),
        (_changed(TEMPLATE, "template.components.2.index", "10"), "a button index past 9"),
        (
            _changed(TEMPLATE, "template.components.1.parameters.0", {"type": "text"}),
            "a text parameter without text",
        ),
        (
            _changed(
                TEMPLATE, "template.components.0.parameters.0", {"type": "image", "image": {}}
            ),
            "a media header without link or id",
        ),
        (_changed(TEMPLATE, "template.components.2.sub_type", "call"), "a call button parameter"),
        (_changed(TEMPLATE, "template.language", {}), "a language without its code"),
        (_changed(TEMPLATE, "template.name", KeyError), "a template without its name"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_the_corrected_description_still_refuses_what_meta_refuses(body, why):
    # given valid bodies (checked here, so a refusal below is the change's doing)
    assert request_errors(TEMPLATE) == []
    assert request_errors(REPLY) == []
    assert request_errors(body), why
