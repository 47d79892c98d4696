"""Who is guessing: the client's address, and the count of its wrong API keys.

Password guessing is django-axes' job (see ``config/settings/security.py``); it asks
``client_ip`` for the address so both throttles see the same client behind a proxy.
"""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from accounts.error_codes import AccountErrorCode
from core.errors import ApplicationError


def _valid_ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent ``request``, or None for a request without one
    (``force_login``'s stand-in request; axes stores it in an address column).

    Behind the TLS proxy (``BEHIND_TLS_PROXY``) the socket's address is the proxy's; the
    client's is the entry that the last of ``TRUSTED_PROXY_COUNT`` proxies appended to
    X-Forwarded-For, counted from the right, since entries further left are whatever the
    client chose to send. Without a proxy the header is never read.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        count = settings.TRUSTED_PROXY_COUNT
        if len(hops) >= count:
            forwarded = _valid_ip(hops[-count])
            if forwarded:
                return forwarded
    return _valid_ip(remote) or None


class TooManyFailures(ApplicationError):
    """Answered 429 with Retry-After: this address sent too many wrong API keys."""

    status_code = 429
    code = AccountErrorCode.TOO_MANY_FAILURES

    def __init__(self, *, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            "Too many requests with a wrong API key from this address. Try again in "
            f"{minutes} minute{'s' if minutes != 1 else ''}, with a valid key.",
        )
        self.retry_after = retry_after


def _keys(address: str) -> tuple[str, str]:
    return f"api-key-failures:{address}", f"api-key-blocked:{address}"


def api_key_throttle_check(*, request: HttpRequest) -> None:
    """Raise ``TooManyFailures`` while the request's address is blocked.

    Checked before the key is looked at, so a blocked address cannot go on guessing: even a
    right guess is refused until the block ends.
    """
    _, blocked_key = _keys(client_ip(request) or "unknown")
    until = cache.get(blocked_key)
    if until is not None:
        remaining = math.ceil(until - time.time())
        if remaining > 0:
            raise TooManyFailures(retry_after=remaining)


def api_key_failure_record(*, request: HttpRequest) -> None:
    """Count one wrong key from the request's address; block the address at the limit.

    The count lives for one window from its first failure (a fixed window: cheap, and the
    same in Redis and in local memory); reaching the limit blocks the address for a window.
    """
    window = settings.API_KEY_FAILURE_WINDOW
    count_key, blocked_key = _keys(client_ip(request) or "unknown")
    cache.add(count_key, 0, timeout=window)
    try:
        failures = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=window)
        failures = 1
    if failures >= settings.API_KEY_FAILURE_LIMIT:
        cache.set(blocked_key, time.time() + window, timeout=window)
        cache.delete(count_key)


def api_key_throttle_reset(*, address: str) -> None:
    """Forget an address's wrong keys and lift its block (staff relief, and between tests)."""
    cache.delete_many(list(_keys(address)))
