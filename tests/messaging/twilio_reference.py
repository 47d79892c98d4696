"""Twilio's own SDK, pointed at the loopback provider stand-in: the reference for our requests.

``twilio_request(server, ...)`` makes ``client.messages.create(...)`` go over the wire to
``server`` and returns what it received there, so a test compares the two requests that
actually arrived, field by field.
"""

from urllib.parse import parse_qs

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"


class LoopbackHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, with Twilio's host swapped for the stand-in's."""

    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=10)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        assert url.startswith(TWILIO_API), url
        return super().request(method, self.base_url + url[len(TWILIO_API) :], *args, **kwargs)


def twilio_request(server, *, account_sid: str, auth_token: str, **create):
    """What the SDK sent to ``server`` for ``client.messages.create(**create)``."""
    client = Client(account_sid, auth_token, http_client=LoopbackHttpClient(server.url))
    seen = len(server.requests)
    client.messages.create(**create)
    [request] = server.requests[seen:]
    return request


def sdk_arguments(form: dict[str, list[str]]) -> dict:
    """``messages.create`` arguments for the message a captured form describes."""
    names = {
        "To": "to",
        "From": "from_",
        "MessagingServiceSid": "messaging_service_sid",
        "Body": "body",
        "StatusCallback": "status_callback",
    }
    arguments = {names[k]: v[0] for k, v in form.items() if k in names}
    if "MediaUrl" in form:
        arguments["media_url"] = form["MediaUrl"]
    return arguments


def wire_form(request) -> dict[str, list[str]]:
    return parse_qs(request.body.decode(), keep_blank_values=True)


def assert_same_request(ours, theirs) -> None:
    """Method, path, authentication, body encoding and every form field (repeated ones in
    order) as Twilio's SDK sent them."""
    assert (ours.method, ours.path) == (theirs.method, theirs.path)
    assert ours.headers["Authorization"] == theirs.headers["Authorization"]
    assert ours.headers["Content-Type"] == theirs.headers["Content-Type"]
    assert wire_form(ours) == wire_form(theirs)
