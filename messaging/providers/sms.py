"""SMS through a Twilio-compatible Messages API (form-encoded, HTTP basic auth sid:token).

Each request is the one Twilio's own SDK builds for ``client.messages.create(to=..., from_=...
or messaging_service_sid=..., body=..., media_url=[...], status_callback=...)``; the tests
compare them field by field. The status callback is built from ``PUBLIC_BASE_URL``: a send
runs in a worker, which has no request to take a host from.
"""

from urllib.parse import urlsplit

import requests
from django.urls import reverse

from core import urlguard
from core.public import public_base_url
from messaging.models import Sender
from messaging.sms_segments import BODY_MAX_LENGTH, sms_count

from .base import OutboundMessage, ProviderResult
from .http import (
    TWILIO_API_BASE_URL,
    HttpAdapter,
    error_result,
    safe_json,
    transport_error,
)

DEFAULT_API_BASE_URL = TWILIO_API_BASE_URL

THROTTLE_CODES = frozenset({20429, 14107, 30022})
# Refusals of the account or of the From number (``messaging.providers.problems``): every
# further message would get the same answer.
ACCOUNT_CODES: dict[int | tuple[int, int], str] = {
    20003: "auth_failed",  # Authenticate: wrong account SID or auth token
    20005: "account_suspended",  # Account not active
    21212: "bad_from",  # Invalid 'From' number
    21606: "bad_from",  # 'From' is not a message-capable number of this account
    21701: "bad_from",  # the Messaging Service does not exist
    21703: "bad_from",  # the Messaging Service has no phone number
}
# Short titles, after Twilio's error dictionary (twilio.com/docs/api/errors), of the codes a
# campaign meets: API answers carry only a long message, and status callbacks only the code.
ERROR_TITLES = {
    20003: "Authentication failed",
    20005: "Account not active",
    20429: "Too many requests",
    21211: "Invalid 'To' phone number",
    21212: "Invalid 'From' phone number",
    21408: "Permission to send an SMS has not been enabled for the region",
    21606: "'From' number is not a valid message-capable number",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21617: "Message body exceeds the 1,600 character limit",
    21701: "Messaging Service does not exist",
    21703: "Messaging Service has no phone number",
    30001: "Queue overflow",
    30002: "Account suspended",
    30003: "Unreachable destination handset",
    30004: "Message blocked",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Message filtered by the carrier",
    30008: "Unknown error",
    30034: "Message from an unregistered number",
}


def error_title(code: int | str | None) -> str:
    if code is None:
        return ""
    try:
        return ERROR_TITLES.get(int(code), "")
    except (TypeError, ValueError):
        return ""


# Twilio answers these with a 4xx but they clear up on their own.
TRANSIENT_CODES = frozenset({20500, 20503, 30001})


# Twilio's answer to a Body over its limit; given here before a request is made.
BODY_TOO_LONG = "21617"


def status_callback_url(sender: Sender) -> str:
    """Our signed status webhook for this sender, when the public base URL is known."""
    base = public_base_url()
    if not base:
        return ""
    return base + reverse("webhooks:sms", kwargs={"sender_id": sender.pk})


def callback_base_problem() -> str:
    """Why Twilio could not deliver status callbacks to this install, or "" when it can.

    The base must be set, and pass ``core.urlguard`` like any address a provider is handed:
    https and a public host in production; loopback and http where the outbound settings allow
    them (development, tests).
    """
    base = public_base_url()
    if not base:
        return (
            "SMS delivery statuses need the install's public address: ask the administrator "
            "to set PUBLIC_BASE_URL (e.g. https://campaigns.example.com), where Twilio can "
            "reach the status callbacks."
        )
    problem = urlguard.url_problem(base)
    if not problem and "_" in (urlsplit(base).hostname or ""):
        problem = "Twilio refuses callback host names with an underscore."
    if problem:
        return f"Twilio cannot reach the status callbacks at PUBLIC_BASE_URL ({base}): {problem}"
    return ""


def map_error(status: int, body: dict, response: requests.Response | None = None) -> ProviderResult:
    try:
        code = int(body["code"])
    except (KeyError, TypeError, ValueError):
        code = None
    message = str(body.get("message") or f"HTTP {status}")[:500]
    return error_result(
        status=status,
        code=code,
        title=error_title(code),
        message=message,
        body=body,
        response=response,
        throttle_codes=THROTTLE_CODES,
        account_codes=ACCOUNT_CODES,
        transient_codes=TRANSIENT_CODES,
    )


class SmsAdapter(HttpAdapter):
    def __init__(self, sender, *, rate_limited: bool = True) -> None:
        super().__init__(sender, rate_limited=rate_limited)
        base = (sender.api_base_url or DEFAULT_API_BASE_URL).rstrip("/")
        self.url = f"{base}/2010-04-01/Accounts/{sender.account_sid}/Messages.json"
        self.callback_url = status_callback_url(sender)

    def _configure(self, session: requests.Session) -> None:
        session.auth = (self.sender.account_sid, self.sender.auth_token)

    def _form(self, message: OutboundMessage) -> list[tuple[str, str]]:
        service = self.sender.messaging_service_sid
        origin = ("MessagingServiceSid", service) if service else ("From", self.sender.from_address)
        form = [("To", message.to_phone), origin, ("Body", message.text)]
        form.extend(("MediaUrl", url) for url in message.media_urls[:10])
        if self.callback_url:
            form.append(("StatusCallback", self.callback_url))
        return form

    def _send_one(self, session: requests.Session, message: OutboundMessage) -> ProviderResult:
        if not message.to_phone:
            return ProviderResult(
                ok=False, error_code="no_phone", error_message="The contact has no phone number."
            )
        count = sms_count(message.text)
        if count.too_long:  # personalised past the limit: Twilio would refuse it, unsent
            return ProviderResult(
                ok=False,
                error_code=BODY_TOO_LONG,
                error_message=(
                    f"The message is {count.units:,} characters long as Twilio counts them "
                    f"({count.encoding}), over its limit of {BODY_MAX_LENGTH:,}; it was not sent."
                ),
            )
        try:
            response = self._post(session, data=self._form(message))
        except requests.RequestException as exc:
            return transport_error(exc)
        body = safe_json(response)
        if response.status_code >= 300:
            return map_error(response.status_code, body, response)
        sid = str(body.get("sid") or "")
        if body.get("status") == "failed" and body.get("error_code"):
            return ProviderResult(
                ok=False,
                provider_message_id=sid,
                error_code=str(body.get("error_code")),
                error_title=error_title(body.get("error_code")),
                error_message=str(body.get("error_message") or "Failed")[:500],
                raw=body,
            )
        return ProviderResult(ok=True, provider_message_id=sid, raw=body)
