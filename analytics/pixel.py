"""First-party website tracking: ``/t/c.js`` keeps the ``ctid`` of a tracked click on the
shop's own domain, and ``/t/pixel.gif`` records the conversion it reports.

The pixel answers the same transparent GIF to everything (no-store, so every conversion
reaches us): a page must never show a broken image because of us, and a prober learns nothing
about which tokens exist. Only a well-formed request with a live token records a conversion;
anything else records nothing. No session, CSRF or sign-in is involved: the token is the
credential, and it names a recipient, so the account, contact and campaign follow from it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from analytics.attribution import Attribution, Touch
from analytics.conversions import ConversionIn, conversion_record
from analytics.models import Conversion
from core.errors import ApplicationError
from core.text import text_problem
from delivery.link_tokens import token_read
from delivery.models import Recipient

logger = logging.getLogger(__name__)

SCRIPT = (Path(__file__).parent / "c.js").read_bytes()
# A week: the script changes rarely, and every shop page loads it.
SCRIPT_MAX_AGE = 7 * 24 * 3600
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
EVENT = re.compile(r"^[a-z0-9_.-]{1,64}$")
CURRENCY = re.compile(r"^[A-Za-z]{3}$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_VALUE = Decimal("9999999999.99")
PROPERTIES_MAX_CHARS = 2_000
CENT = Decimal("0.01")


class PixelRequest:
    """The pixel's query string, read strictly: ``None`` from ``parse`` means "record nothing"."""

    def __init__(self, token: str, data: ConversionIn) -> None:
        self.token = token
        self.data = data

    @classmethod
    def parse(cls, query: QueryDict) -> PixelRequest | None:
        values = {key: query.get(key, "") for key in ("t", "e", "v", "c", "o", "p")}
        if any(text_problem(value, max_length=PROPERTIES_MAX_CHARS) for value in values.values()):
            return None
        token, event = values["t"], values["e"] or "purchase"
        if not TOKEN.match(token) or not EVENT.match(event):
            return None
        if values["c"] and not CURRENCY.match(values["c"]):
            return None
        if len(values["o"]) > 128:
            return None
        value = _amount(values["v"]) if values["v"] else None
        if values["v"] and value is None:
            return None
        properties = _properties(values["p"]) if values["p"] else {}
        if properties is None:
            return None
        data = ConversionIn(
            event=event,
            value=value,
            currency=values["c"],
            order_id=values["o"].strip(),
            properties=properties,
        )
        return cls(token, data)


def _amount(text: str) -> Decimal | None:
    """A value as a browser writes a number (``19.99``, ``19.990000001``), to the cent."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        return None
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _properties(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def pixel_record(query: QueryDict, *, now: dt.datetime | None = None) -> Conversion | None:
    """Record the conversion the pixel reports; None when it records nothing.

    The token's recipient gets the conversion (attribution "click") while its click is inside
    the account's click window; a token older than that is only a way to know the contact,
    and the account's rule attributes the conversion."""
    request = PixelRequest.parse(query)
    if request is None:
        return None
    found = token_read(request.token)
    if found is None or not _within_limit(request.token, now or timezone.now()):
        return None
    _link_id, recipient_id = found
    recipient = (
        Recipient.objects.select_related("account", "variant").filter(pk=recipient_id).first()
    )
    if recipient is None:
        return None
    account = recipient.account
    at = now or timezone.now()
    attribution: Attribution | None = None
    window = dt.timedelta(days=account.click_window_days)
    if recipient.clicked_at is None or recipient.clicked_at >= at - window:
        touch = Touch(
            recipient.clicked_at or at,
            recipient.campaign_id,
            recipient.pk,
            recipient.variant.key if recipient.variant else "",
        )
        attribution = Attribution(Conversion.Attribution.CLICK, touch)
    try:
        conversion, _created = conversion_record(
            account=account,
            contact_id=recipient.contact_id,
            data=request.data,
            attribution=attribution,
        )
    except ApplicationError:
        # Another currency, say: the page gets its GIF, nothing is stored.
        return None
    return conversion


def _within_limit(token: str, at: dt.datetime) -> bool:
    """At most ``PIXEL_CONVERSIONS_PER_HOUR`` reports per token and clock hour. A token is a
    credential anyone holding the link has: without a limit, a script replaying it with new
    order ids could add any revenue it likes to a campaign. Counted in Django's cache (shared
    with Redis; per process without it)."""
    key = f"pixel:{token}:{at:%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this report opens the new hour
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > int(settings.PIXEL_CONVERSIONS_PER_HOUR):
        if count == int(settings.PIXEL_CONVERSIONS_PER_HOUR) + 1:
            logger.warning("conversion pixel: token %s… over its hourly limit", token[:6])
        return False
    return True


def gif_response() -> HttpResponse:
    response = HttpResponse(GIF, content_type="image/gif")
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "no-store, max-age=0"
    response["Content-Length"] = str(len(GIF))
    return response


@csrf_exempt
def pixel(request: HttpRequest) -> HttpResponse:
    """``GET /t/pixel.gif?t=<ctid>&e=<event>&v=<value>&c=<currency>&o=<order id>&p=<json>``."""
    if request.method == "GET":
        pixel_record(request.GET)
    return gif_response()


def script(request: HttpRequest) -> HttpResponse:
    """``GET /t/c.js``: keeps ``?ctid=`` on the shop's domain for ``data-days`` days (default
    5, the default click window) and offers ``window.campaigns.track(event, options)``."""
    response = HttpResponse(SCRIPT, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE}"
    # Loaded by other sites' pages: the browser may fetch it from any origin.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
