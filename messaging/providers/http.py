"""What every HTTP provider adapter shares: pooled sessions, ordered parallel sends, pacing.

Each worker thread of an adapter keeps its own ``requests.Session`` (keep-alive connections
are reused across the thread's requests, and no session is shared between threads), and
``send_many`` runs a small pool of such threads so a batch is pipelined instead of paying
one round trip per message in turn. Results come back in the order of the messages.

Every session sits behind ``core.urlguard``: a connection reaches only an address checked
when it is opened (keep-alive pooling is unchanged), and a provider call never follows a
redirect, since the redirect would carry the sender's credentials to another host. Text that
an unknown host wrote (an error body, a non-HTTP banner) never becomes a result's message:
pages, the API and the campaign's error log show it, and it could hold another service's
answer. The official provider hosts and ``OUTBOUND_TRUSTED_HOSTS`` are known.
"""

import logging
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from urllib.parse import urlsplit

import requests
from django.conf import settings

from core import urlguard
from messaging import ratelimit

from .base import OutboundMessage, ProviderResult

logger = logging.getLogger(__name__)


def timeouts() -> tuple[float, float]:
    return (
        float(getattr(settings, "PROVIDER_CONNECT_TIMEOUT", 5)),
        float(getattr(settings, "PROVIDER_READ_TIMEOUT", 15)),
    )


# The providers' own API addresses, the default of a sender's ``api_base_url``.
WHATSAPP_API_BASE_URL = "https://graph.facebook.com/v21.0"
TWILIO_API_BASE_URL = "https://api.twilio.com"
OFFICIAL_HOSTS = frozenset(
    urlsplit(url).hostname for url in (WHATSAPP_API_BASE_URL, TWILIO_API_BASE_URL)
)


def concurrency() -> int:
    return max(1, int(getattr(settings, "PROVIDER_CONCURRENCY", 16)))


def throttle_penalty() -> float:
    return float(getattr(settings, "CAMPAIGNS_THROTTLE_PENALTY_SECONDS", 1.0))


class RedirectRefused(requests.RequestException):
    """A provider answered with a redirect, which provider calls never follow."""


def known_host(url: str | None) -> bool:
    """The host of ``url`` is a provider's own API or one the operator vouches for."""
    host = (urlsplit(url or "").hostname or "").lower()
    return host in OFFICIAL_HOSTS or urlguard.is_trusted_host(host)


def host_of(url: str | None) -> str:
    return urlsplit(url or "").hostname or "the provider"


def retry_after_seconds(response: requests.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class HttpAdapter:
    """Base of the HTTP adapters: subclasses implement ``_send_one(session, message)``.

    When ``rate_limited`` (the default) and the sender has a rate, every request first takes
    a token from the sender's shared bucket, and a throttled answer pauses the whole sender
    (every worker of every cluster) for the provider's Retry-After or the default penalty.
    Pool threads only do HTTP; the bucket (database or Redis) is used from the calling thread,
    so no thread of the pool opens a database connection.
    """

    url: str  # where ``_post`` sends: set by each subclass from its sender

    def __init__(self, sender, *, rate_limited: bool = True) -> None:
        self.sender = sender
        self.rate_limited = rate_limited
        self.rate = int(sender.rate_limit_per_second or 0)
        self.timeout = timeouts()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._workers = concurrency()
        self._penalty = 0.0
        self._pause_checked = False

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = urlguard.GuardedSession(follow_redirects=False, pool_maxsize=4)
            self._configure(session)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _configure(self, session: requests.Session) -> None:
        """Set the session's auth and headers (override)."""

    def _send_one(self, session: requests.Session, message: OutboundMessage) -> ProviderResult:
        """Build the request, send it, map the answer (override; runs in a pool thread)."""
        raise NotImplementedError

    def _post(self, session: requests.Session, **kwargs) -> requests.Response:
        response = session.post(self.url, timeout=self.timeout, allow_redirects=False, **kwargs)
        if response.is_redirect:
            response.close()
            raise RedirectRefused(request=response.request, response=response)
        return response

    def _attempt(self, message: OutboundMessage) -> ProviderResult:
        """One request, never raising; a throttled answer is noted for the pacing thread."""
        try:
            result = self._send_one(self._session(), message)
        except urlguard.UnsafeURL as exc:
            # The sender's address is refused for every message: pause, do not burn the audience.
            return ProviderResult(
                ok=False,
                error_code="address_refused",
                error_message=str(exc),
                account_error="address_refused",
            )
        except Exception as exc:  # a payload that cannot be built, a bug: retry later
            logger.exception(
                "Sender %s could not send to recipient %s", self.sender.pk, message.recipient_id
            )
            return ProviderResult(
                ok=False, error_code="adapter_error", error_message=str(exc)[:500], transient=True
            )
        if result.throttled:
            with self._lock:
                self._penalty = max(self._penalty, result.retry_after or throttle_penalty())
        return result

    def _pace(self) -> None:
        """In the calling thread (the only one that touches the database or Redis): apply a
        throttling pause the provider asked for, then wait for this request's token."""
        if not self.rate_limited:
            return
        with self._lock:
            penalty, self._penalty = self._penalty, 0.0
        if penalty:
            ratelimit.penalise(self.sender.pk, penalty)
        if self.rate:
            ratelimit.acquire(self.sender.pk, self.rate)
        elif penalty or not self._pause_checked:
            # Without a rate, a pause is checked once per batch and after each throttling.
            self._pause_checked = True
            wait = ratelimit.pause_remaining(self.sender.pk)
            if wait > 0:
                time.sleep(wait)

    def send(self, message: OutboundMessage) -> ProviderResult:
        return self.send_many([message])[0]

    def send_many(self, messages: list[OutboundMessage]) -> list[ProviderResult]:
        """Send in order: the calling thread takes each request's token and hands the request
        to a free pool thread, so requests leave at their slots and run side by side."""
        self._pause_checked = False
        if len(messages) == 1:
            failure = self._paced()
            result = failure or self._attempt(messages[0])
            self._pace_after()
            return [result]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=self._workers, thread_name_prefix=f"sender-{self.sender.pk}"
            )
        free = threading.Semaphore(self._workers)

        def run(message: OutboundMessage) -> ProviderResult:
            try:
                return self._attempt(message)
            finally:
                free.release()

        futures: list = []
        for index, message in enumerate(messages):
            free.acquire()  # a token is taken only when a thread can use it at once
            failure = self._paced()
            if failure is not None:
                free.release()
                futures.extend([failure] * (len(messages) - index))
                break
            futures.append(self._pool.submit(run, message))
        results = [f if isinstance(f, ProviderResult) else f.result() for f in futures]
        self._pace_after()
        return results

    def _paced(self) -> ProviderResult | None:
        """``_pace()``; if the bucket cannot be reached, a transient failure to report for the
        messages not sent (sending without the limit could get the number blocked)."""
        try:
            self._pace()
        except Exception as exc:
            logger.exception("Rate limiter of sender %s unavailable", self.sender.pk)
            return ProviderResult(
                ok=False,
                error_code="rate_limiter_error",
                error_message=f"The rate limiter is unavailable: {exc}"[:500],
                transient=True,
            )
        return None

    def _pace_after(self) -> None:
        """A throttling seen by the last requests still pauses the sender for the next batch."""
        with self._lock:
            penalty, self._penalty = self._penalty, 0.0
        if penalty and self.rate_limited:
            try:
                ratelimit.penalise(self.sender.pk, penalty)
            except Exception:
                logger.exception("Could not pause sender %s after throttling", self.sender.pk)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()


def account_error_of(
    account_codes: Mapping[int | tuple[int, int], str], code: int | None, subcode: int | None
) -> str:
    """The account-level problem a provider code names: ``(code, subcode)`` first (Meta's
    100 is a bad parameter in general, but with subcode 33 the phone number id is wrong),
    then the code alone."""
    if code is None:
        return ""
    with_subcode = account_codes.get((code, subcode), "") if subcode is not None else ""
    return with_subcode or account_codes.get(code, "")


def error_result(
    *,
    status: int,
    code: int | None,
    message: str,
    body: dict,
    response: requests.Response | None,
    throttle_codes: frozenset | set,
    account_codes: Mapping[int | tuple[int, int], str],
    transient_codes: frozenset | set,
    subcode: int | None = None,
    title: str = "",
    transient: bool = False,
) -> ProviderResult:
    """One classification for every HTTP provider's refusal, so the pipeline reads them alike:
    throttled (slow down and retry), account-level (pause the campaign), transient (retry),
    else permanent for this recipient. ``transient`` is the provider's own hint (Meta's
    ``is_transient``)."""
    error_code = str(code) if code is not None else f"http_{status}"
    if response is not None and not known_host(response.url):
        message = f"The provider at {host_of(response.url)} answered with error {error_code}."
        title, body = "", {}
    refused = partial(
        ProviderResult,
        ok=False,
        error_code=error_code,
        error_title=title[:200],
        error_message=message,
        raw=body,
    )
    if status == 429 or code in throttle_codes:
        return refused(transient=True, throttled=True, retry_after=retry_after_seconds(response))
    account_error = account_error_of(account_codes, code, subcode)
    if not account_error and status == 401:
        account_error = "auth_failed"
    if account_error:
        return refused(account_error=account_error)
    if status >= 500 or code in transient_codes or transient:
        return refused(transient=True)
    return refused()


def safe_json(response: requests.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def transport_error(exc: requests.RequestException) -> ProviderResult:
    """Timeouts and broken connections may be retried; a redirect pauses the campaign.

    The message is ours: an exception's text can quote what the other end sent (a banner of
    a service that does not speak HTTP), so it goes to the log only.
    """
    url = exc.request.url if exc.request is not None else None
    host = host_of(url)
    if isinstance(exc, RedirectRefused):
        return ProviderResult(
            ok=False,
            error_code="redirect_refused",
            error_message=f"The provider at {host} answered with a redirect; provider calls "
            "never follow redirects (they would carry the credentials). Check the sender's "
            "API base URL.",
            account_error="redirect_refused",
        )
    logger.warning("Provider call to %s failed: %s", host, exc)
    if isinstance(exc, requests.Timeout):
        return ProviderResult(
            ok=False,
            error_code="timeout",
            error_message=f"The provider at {host} did not answer in time.",
            transient=True,
        )
    return ProviderResult(
        ok=False,
        error_code="connection_error",
        error_message=f"The connection to the provider at {host} failed.",
        transient=True,
    )
