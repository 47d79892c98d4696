"""Account-level provider errors are told apart from a recipient's, with the provider's title.

Each answer is a real HTTP answer of the loopback stand-in, in the provider's documented
shape: WhatsApp's bodies validate against ``GraphAPIError`` of Meta's official description,
and the same body read by pywa (``pywa.errors.WhatsAppError.from_dict``) gives the same code,
title and details, and the same family: what pywa calls an authorization or integrity error
pauses the campaign, a send error fails only its recipient. Twilio's answers are read by the
twilio SDK against the same stand-in.
"""

import pytest
from pywa import errors as pywa_errors
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from messaging.models import Sender
from messaging.providers import sms, whatsapp
from messaging.providers.base import OutboundMessage
from messaging.providers.problems import account_problem
from messaging.providers.registry import get_adapter
from tests.factories import SenderFactory
from tests.messaging.meta_schema import errors as meta_errors


def graph_error(
    code, message, *, subcode=None, details=None, error_type="OAuthException", **extra
) -> dict:
    """A Graph API error answer as Meta sends it (``error_data`` on Cloud API errors)."""
    error = {"message": message, "type": error_type, "code": code, **extra}
    if subcode is not None:
        error["error_subcode"] = subcode
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    error["fbtrace_id"] = "AXsgnV2Cm3ZMGF3dF_cfYIn"
    body = {"error": error}
    assert meta_errors("GraphAPIError", body) == []
    return body


ACCOUNT_LEVEL = [
    # (HTTP status, body, our key, words the marketer reads)
    (
        401,
        graph_error(
            190,
            "Error validating access token: Session has expired on Friday, 20-Nov-26 09:00:00 PST.",
            subcode=463,
        ),
        "auth_failed",
        "expired",
    ),
    (
        400,
        graph_error(
            100,
            "Unsupported post request. Object with ID '106540352242922' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this operation.",
            subcode=33,
            error_type="GraphMethodException",
        ),
        "wrong_number_id",
        "phone number id",
    ),
    (
        403,
        graph_error(
            10,
            "(#10) Application does not have permission for this action",
            details="The app lacks the whatsapp_business_messaging permission.",
        ),
        "permission_denied",
        "permission",
    ),
    (
        400,
        graph_error(
            131031,
            "(#131031) Business Account locked",
            details="Your WhatsApp Business Account has been locked.",
        ),
        "account_locked",
        "locked",
    ),
    (
        400,
        graph_error(
            368,
            "(#368) Temporarily blocked for policies violations",
            details="The account is blocked from sending messages for 24 hours.",
        ),
        "account_blocked",
        "temporarily blocked",
    ),
]

PER_RECIPIENT = [
    (400, graph_error(100, "(#100) Invalid parameter", subcode=2494010)),
    (
        400,
        graph_error(
            131026,
            "(#131026) Message undeliverable",
            details="Unable to deliver the message.",
        ),
    ),
    (
        400,
        graph_error(
            131047,
            "(#131047) Re-engagement message",
            details="More than 24 hours have passed since the recipient last replied.",
        ),
    ),
    (
        404,
        graph_error(
            132001,
            "(#132001) Template name does not exist in the translation",
            details="template name (sale) does not exist in en_US",
        ),
    ),
]


@pytest.fixture
def wa_adapter(whatsapp_sender):
    adapter = get_adapter(whatsapp_sender, rate_limited=False)
    yield adapter
    adapter.close()


def _message(i=1):
    return OutboundMessage(
        recipient_id=i, callback_data=f"recipient:{i}", to_phone="+16505551234", text="Hi"
    )


@pytest.mark.parametrize(("status", "body", "key", "words"), ACCOUNT_LEVEL)
def test_whatsapp_account_level_answers_are_account_errors(
    provider, wa_adapter, status, body, key, words
):
    # given: the stand-in answers with the provider's account-level error
    provider.queue_response(status, body)
    # when
    result = wa_adapter.send(_message())
    # then: an account-level error, named, with Meta's code and title
    assert (result.ok, result.account_error, result.auth_failed) == (False, key, True)
    assert not result.transient
    pywa_error = pywa_errors.WhatsAppError.from_dict(body["error"])
    assert result.error_code == str(pywa_error.code)
    assert words in account_problem(key, "whatsapp")
    if pywa_error.code != 100:  # 100 alone is any bad parameter; pywa has no class for it
        assert isinstance(pywa_error, pywa_errors.AuthorizationError | pywa_errors.IntegrityError)


@pytest.mark.parametrize(("status", "body"), PER_RECIPIENT)
def test_whatsapp_per_recipient_answers_stay_per_recipient(provider, wa_adapter, status, body):
    provider.queue_response(status, body)
    result = wa_adapter.send(_message())
    pywa_error = pywa_errors.WhatsAppError.from_dict(body["error"])
    assert not result.ok
    assert result.account_error == ""
    assert not isinstance(pywa_error, pywa_errors.AuthorizationError | pywa_errors.IntegrityError)
    # the code, the title (Meta puts it in the message, after "(#code)") and the details
    assert result.error_code == str(pywa_error.code)
    assert result.error_title == pywa_error.message.split(") ", 1)[-1]
    assert result.error_message == (pywa_error.details or pywa_error.message)


def _pywa_codes(family) -> set[int]:
    return {code for cls in family.__subclasses__() for code in (cls.__error_codes__ or ())}


def test_every_code_pywa_calls_an_authorization_error_pauses():
    codes = _pywa_codes(pywa_errors.AuthorizationError)
    assert {0, 3, 10, 190, 200, 299} <= codes
    for code in codes:
        body = graph_error(code, f"(#{code}) refused")
        assert whatsapp.map_error(403, body).account_error, code


def test_integrity_errors_pause_except_a_restriction_to_some_countries():
    # 130497 (restricted from messaging users in some countries) leaves every other country
    # reachable, so it fails only the recipients of those countries.
    codes = _pywa_codes(pywa_errors.IntegrityError)
    assert {368, 131031, 130497} <= codes
    for code in codes - {130497}:
        assert whatsapp.map_error(400, graph_error(code, f"(#{code}) blocked")).account_error
    assert whatsapp.map_error(400, graph_error(130497, "(#130497) restricted")).account_error == ""


def test_no_send_or_throttling_error_pauses():
    for family in (pywa_errors.SendMessageError, pywa_errors.ThrottlingError):
        for code in _pywa_codes(family):
            body = graph_error(code, f"(#{code}) refused")
            assert whatsapp.map_error(400, body).account_error == "", code


def test_a_title_meta_gives_as_error_user_title_wins():
    body = graph_error(
        131031,
        "(#131031) Business Account locked",
        error_user_title="Account locked",
        error_user_msg="Your account has been locked.",
    )
    result = whatsapp.map_error(400, body)
    assert (result.error_title, result.error_message) == (
        "Account locked",
        "Your account has been locked.",
    )


def test_a_transient_hint_retries():
    body = graph_error(135000, "(#135000) Generic user error", is_transient=True)
    assert whatsapp.map_error(400, body).transient


# Twilio --------------------------------------------------------------------------------------


@pytest.fixture
def sms_sender(account, provider, settings):
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    return SenderFactory(
        account=account,
        channel=Sender.Channel.SMS,
        phone_number_id="sms-1",
        api_base_url=provider.url,
        account_sid="AC" + "1" * 32,
        auth_token="twilio-auth-token",
        from_address="+15005550006",
        rate_limit_per_second=0,
    )


def twilio_error(status, code, message) -> tuple[int, dict]:
    return status, {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


TWILIO_CASES = [
    (twilio_error(401, 20003, "Authenticate"), "auth_failed"),
    (
        twilio_error(
            400,
            21606,
            "The 'From' phone number provided (+15005550006) is not a valid message-capable "
            "Twilio phone number for this destination.",
        ),
        "bad_from",
    ),
    (twilio_error(400, 21212, "The 'From' number +1500 is not a valid phone number."), "bad_from"),
    (twilio_error(401, 20005, "Account not active"), "account_suspended"),
    (twilio_error(400, 21211, "The 'To' number +1650 is not a valid phone number."), ""),
    (twilio_error(400, 21610, "Attempt to send to unsubscribed recipient"), ""),
]


@pytest.mark.parametrize(("answer", "key"), TWILIO_CASES)
def test_twilio_answers_are_classified_as_twilios_sdk_reads_them(provider, sms_sender, answer, key):
    status, body = answer
    # given: what twilio's own client reads from this answer of the stand-in
    provider.queue_response(status, body)
    client = Client(sms_sender.account_sid, sms_sender.auth_token)
    client.api.base_url = provider.url
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+16505551234", from_=sms_sender.from_address, body="Hi")
    # when: our adapter gets the same answer
    provider.queue_response(status, body)
    adapter = get_adapter(sms_sender, rate_limited=False)
    result = adapter.send(_message())
    adapter.close()
    # then: the same code, and the account-level ones pause
    assert result.error_code == str(raised.value.code)
    assert result.account_error == key
    assert result.error_title == sms.ERROR_TITLES[body["code"]]
    assert result.error_message == body["message"]
