"""``/r/<token>``: a tracked link's redirect, answered at once, the hit left for the drain.

The request path does no slow work: the token is checked and decoded without the database
(``delivery.link_tokens``), the destination comes from an in-process cache of link id → URL
(one primary-key read on a miss), and the hit joins the process's next batch for the drain
(``delivery.hit_writer``: one RPUSH to a Redis list, else one INSERT, per batch). Parsing the
user agent, spotting bots, uniqueness, counters and events are the drain's
(``delivery.clicks``).

``ClickRedirectMiddleware`` serves the path right after ``SecurityMiddleware`` (HTTPS redirect,
HSTS), before sessions, CSRF, authentication, the current account, the sign-in throttle and
the Content-Security-Policy header (which alone cost as much as the rest of the redirect; the
friendly page carries the same policy, built once): a recipient has no session here, and each
of them costs time on the busiest URL of a send. The URL pattern (``config/urls.py``) serves
the same answer for ``reverse`` and for a middleware list without it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.encoding import iri_to_uri

from delivery.hit_writer import hit_add
from delivery.link_tokens import token_read
from delivery.models import TrackedLink

logger = logging.getLogger(__name__)

PREFIX = "/r/"
# How long a link's destination is trusted without reading it again (a deleted campaign's
# links stop working within this time), and how many links one process keeps.
CACHE_SECONDS = 300
CACHE_MAX = 20_000
USER_AGENT_MAX = 512

# link id → (destination before its fragment, "?" or "&", "#fragment", expires at, good until)
# or (None, …) for a link that does not lead anywhere.
_Entry = tuple[str | None, str, str, float, float]
_cache: dict[int, _Entry] = {}
_lock = threading.Lock()


def _entry(link_id: int) -> _Entry:
    now = time.monotonic()
    hit = _cache.get(link_id)
    if hit is not None and hit[4] > now:
        return hit
    row = (
        TrackedLink.objects.filter(pk=link_id, campaign__deleted_at__isnull=True)
        .values_list("url", "created_at")
        .first()
    )
    if row is None:
        entry: _Entry = (None, "", "", 0.0, now + CACHE_SECONDS)
    else:
        url, created_at = row
        ttl = dt.timedelta(days=int(settings.CLICK_LINK_TTL_DAYS))
        url = iri_to_uri(url)
        url, _, fragment = url.partition("#")
        entry = (
            url,
            "&" if "?" in url else "?",
            f"#{fragment}" if fragment else "",
            (created_at + ttl).timestamp(),
            now + CACHE_SECONDS,
        )
    with _lock:
        if len(_cache) >= CACHE_MAX:
            _cache.clear()
        _cache[link_id] = entry
    return entry


def cache_clear() -> None:
    """Forget every cached destination (tests, and a link changed by hand)."""
    with _lock:
        _cache.clear()


def hit_buffer(
    *, link_id: int, recipient_id: int, token: str, method: str, user_agent: str, country: str
) -> None:
    """Leave the hit for the drain (``delivery.hit_writer``: Redis or the table, in batches)."""
    hit_add(
        {
            "h": uuid.uuid4().hex,
            "l": link_id,
            "r": recipient_id,
            "t": token,
            "at": time.time(),
            "m": method,
            "ua": user_agent[:USER_AGENT_MAX],
            "c": country[:2],
        }
    )


@cache
def _gone_page(state: str) -> str:
    # The page names nobody and reads no request: rendered once per process and state.
    return render_to_string("delivery/link_gone.html", {"state": state})


@cache
def _policy() -> str:
    """The install's Content-Security-Policy, built once: the middleware that adds it to other
    pages runs after this one, and costs as much as the rest of the redirect."""
    from csp.utils import build_policy

    return str(build_policy())


def link_gone(state: str) -> HttpResponse:
    """The friendly page for a link that leads nowhere: 404, never an error."""
    response = HttpResponse(_gone_page(state), status=404)
    response["Content-Security-Policy"] = _policy()
    response["X-Frame-Options"] = "DENY"
    response["Cache-Control"] = "no-store"
    return response


def click_redirect(request: HttpRequest, token: str) -> HttpResponse:
    """302 to the link's destination with ``ctid=<token>`` (the conversion pixel reads it)."""
    decoded = token_read(token) if len(token) <= 64 else None
    if decoded is None:
        return link_gone("unknown")
    link_id, recipient_id = decoded
    url, separator, fragment, expires_at, _ = _entry(link_id)
    if url is None:
        return link_gone("unknown")
    if time.time() > expires_at:
        return link_gone("expired")
    header = settings.CLICK_COUNTRY_HEADER
    hit_buffer(
        link_id=link_id,
        recipient_id=recipient_id,
        token=token,
        method=request.method or "GET",
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        country=request.META.get(_meta_name(header), "") if header else "",
    )
    response = HttpResponse(status=302)
    response["Location"] = f"{url}{separator}ctid={token}{fragment}"
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    # An empty body said so: no chunked encoding for nothing, and the connection stays open
    # for the next click (some servers close a response of unknown length).
    response["Content-Length"] = "0"
    return response


@cache
def _meta_name(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def answer(request: HttpRequest) -> HttpResponse:
    """The redirect's answer for any method: GET and HEAD are served, others refused."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse("Method not allowed", status=405, content_type="text/plain")
        response["Allow"] = "GET, HEAD"
        return response
    token = request.path_info[len(PREFIX) :].rstrip("/")
    return click_redirect(request, token)


class ClickRedirectMiddleware:
    """Answers ``/r/…`` itself, before the middleware that reads sessions and users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info.startswith(PREFIX):
            return answer(request)
        return self.get_response(request)


def click_view(request: HttpRequest, token: str) -> HttpResponse:
    """The URL pattern's view (the middleware answers first where it is installed)."""
    return answer(request)
