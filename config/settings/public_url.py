"""The address providers use to reach this install, and what SMS messages cost.

``PUBLIC_BASE_URL`` (read in ``base``) builds the links providers follow on their own: media
links and Twilio's status callbacks. A worker has no request to take a host from, so without
it SMS statuses never arrive (``validate_campaign`` refuses an SMS campaign then). In
production a base that is set must be an https address with a host and nothing after the path:
a typo there would otherwise surface only as statuses that never come. Whether its host is
public is checked by ``core.urlguard`` when an SMS campaign starts, where DNS can answer.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import env_str

from .base import DEBUG, PUBLIC_BASE_URL
from .outbound import OUTBOUND_ALLOW_HTTP


def public_base_url_problem(url: str, *, allow_http: bool) -> str:
    """Why ``url`` cannot be the install's public base URL, or "" (empty is allowed)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "it is not a URL"
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        return "it must be an absolute https:// address, e.g. https://campaigns.example.com"
    if parts.username or parts.password or parts.query or parts.fragment:
        return "it may hold a scheme, a host, a port and a path, nothing else"
    return ""


if not DEBUG and (
    _problem := public_base_url_problem(PUBLIC_BASE_URL, allow_http=OUTBOUND_ALLOW_HTTP)
):
    raise ImproperlyConfigured(f"PUBLIC_BASE_URL is not usable: {_problem}.")

# The currency of the senders' SMS segment prices (``Sender.sms_segment_price``): the one the
# provider bills the account in. Shown beside every cost.
SMS_PRICE_CURRENCY = env_str("SMS_PRICE_CURRENCY", default="USD")
