"""The one guard for every address the product is asked to reach (server-side request forgery).

Users set URLs that the product connects to (a sender's API base URL or SMTP server) or hands
on (media and button links, tracking and webhook URLs). Any of them could name this machine,
its private network or a cloud metadata service, and a provider's answer or redirect could
carry a request there. So:

* at input, ``check_url`` refuses a URL whose scheme, host name or resolved addresses are not
  public: https only in production; IP literals in every spelling a resolver reads
  (``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``[::ffff:127.0.0.1]``); forms, API schemas,
  services and the admin all call it;
* at connection time, ``connect`` resolves the host once, refuses the connection when any of
  its addresses is forbidden, and connects only to the addresses it checked, so a DNS answer
  that changes between the check and the connect (rebinding) gains nothing;
  ``GuardedSession`` puts that under requests: keep-alive connections are checked when they
  are opened (pooling is unchanged), TLS still verifies the host name, a proxy is never used
  (it would resolve the host past the guard), and a session either refuses redirects or
  checks every hop again and drops the credentials.

Settings (``config/settings/outbound.py``): ``OUTBOUND_ALLOW_LOOPBACK`` and
``OUTBOUND_ALLOW_HTTP`` (on with ``DEBUG``), ``OUTBOUND_TRUSTED_HOSTS``.
"""

import ipaddress
import re
import socket
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import SplitResult, urlsplit

import requests
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest, Response
from urllib3 import connection as urllib3_connection
from urllib3 import connectionpool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_util

HTTP_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443, "smtp": 25, "smtps": 465}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata and platform endpoints; some sit on addresses that otherwise look public.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
        "169.254.170.2",  # AWS ECS task credentials
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "168.63.129.16",  # Azure WireServer
        "fd00:ec2::254",  # AWS over IPv6
    )
)
METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
# Names that only a private resolver answers.
PRIVATE_SUFFIXES = (".internal", ".local", ".localdomain", ".home.arpa", ".intranet")
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
# What inet_aton reads as an IPv4 address: 1 to 4 parts, each decimal, octal or hex.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.IGNORECASE)
_PUBLIC_ONLY = "only public internet addresses can be used"


class UnsafeURL(ValueError):
    """A URL or address the product will not reach; ``str()`` is a sentence for a person.

    A ``ValueError``, so pydantic reports it on the field it checks, and so that neither
    urllib3 nor requests (which wrap ``OSError``) turn it into a retryable connection error.
    """


# --- settings -----------------------------------------------------------------------------


def allow_loopback() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_LOOPBACK", False))


def allow_http() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_HTTP", False))


def _host_name(host: str | None) -> str:
    return (host or "").strip().strip("[]").rstrip(".").lower()


def is_trusted_host(host: str | None) -> bool:
    """The operator vouches for ``host`` (``OUTBOUND_TRUSTED_HOSTS``)."""
    name = _host_name(host)
    return bool(name) and name in {
        _host_name(h) for h in getattr(settings, "OUTBOUND_TRUSTED_HOSTS", ())
    }


# --- classification -----------------------------------------------------------------------


def _embedded_ipv4(ip: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, 6to4, NAT64): the one reached."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_kind(ip: Address) -> str | None:
    """Why ``ip`` may not be reached ("a private address"), or None when it may."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        return address_kind(inner)
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_loopback:
        return None if allow_loopback() else "a loopback address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip in SHARED_ADDRESS_SPACE:
        return "a shared (carrier-grade NAT) address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or getattr(ip, "is_site_local", False) or not ip.is_global:
        return "a reserved address"
    return None


def ip_literal(host: str) -> Address | None:
    """``host`` read as an IP address the way a resolver would, or None for a name.

    Raises ``UnsafeURL`` for a numeric host that no resolver reads as an address
    (``999.1.1.1``): it can only be a mistake or a trick.
    """
    name = _host_name(host)
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(name):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(name))
        except OSError:
            raise UnsafeURL(f"“{host}” is not a valid address.") from None
    return None


def _name_kind(name: str) -> str | None:
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return None if allow_loopback() else "a loopback host name"
    if name in METADATA_NAMES:
        return "a cloud metadata host name"
    if name.endswith(PRIVATE_SUFFIXES):
        return "a private network host name"
    return None


def _check_literal_or_name(name: str) -> None:
    """The checks that need no DNS: an IP literal's class, or a reserved host name."""
    literal = ip_literal(name)
    if literal is not None:
        kind = address_kind(literal)
        if kind:
            spelled = name if name == str(literal) else f"“{name}” ({literal})"
            raise UnsafeURL(f"{spelled} is {kind}: {_PUBLIC_ONLY}.")
        return
    kind = _name_kind(name)
    if kind:
        raise UnsafeURL(f"“{name}” is {kind}: {_PUBLIC_ONLY}.")


def _resolved(name: str, port: int) -> list[Address]:
    infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    addresses: list[Address] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def _check_addresses(name: str, addresses: Iterable[Address]) -> None:
    for ip in addresses:
        kind = address_kind(ip)
        if kind:
            # The address itself is not named: the guard must not map a private network.
            raise UnsafeURL(f"“{name}” resolves to {kind}: {_PUBLIC_ONLY}.")


# --- input time ---------------------------------------------------------------------------


def check_host(host: str | None, *, port: int, resolve: bool = True) -> None:
    """Refuse a host that is, or resolves to, a forbidden address (``UnsafeURL``).

    A name that does not resolve now passes: the connection checks it again, and a link that
    nobody can resolve reaches nothing.
    """
    name = _host_name(host)
    if not name:
        raise UnsafeURL("The URL needs a host name.")
    if is_trusted_host(name):
        return
    _check_literal_or_name(name)
    if resolve and ip_literal(name) is None:
        try:
            addresses = _resolved(name, port)
        except (OSError, UnicodeError):
            return
        _check_addresses(name, addresses)


def check_url(url: str, *, schemes: Iterable[str] = HTTP_SCHEMES, resolve: bool = True) -> str:
    """``url`` stripped, if the product may reach it; else ``UnsafeURL`` with the reason.

    The callers keep their own format checks (their messages are part of their contract);
    this decides where a URL may lead: its scheme (https in production), no user name or
    password in an http(s) URL, and a public host.
    """
    url = (url or "").strip()
    parts, port = _check_scheme(url, tuple(schemes))
    default_port = DEFAULT_PORTS.get(parts.scheme.lower(), 443)
    check_host(parts.hostname, port=port or default_port, resolve=resolve)
    return url


def _check_scheme(url: str, schemes: tuple[str, ...]) -> tuple[SplitResult, int | None]:
    """The URL's parts and port once its scheme and credentials are acceptable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL(f"“{url}” is not a valid URL.") from None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise UnsafeURL(f"“{url}” must start with {' or '.join(s + '://' for s in schemes)}.")
    if scheme == "http" and not allow_http():
        raise UnsafeURL(f"“{url}” must use https://: plain http:// is for development only.")
    if scheme in HTTP_SCHEMES and (parts.username is not None or parts.password is not None):
        raise UnsafeURL(f"“{url}” must not hold a user name or password.")
    return parts, port


def url_problem(
    url: str, *, schemes: Iterable[str] = HTTP_SCHEMES, resolve: bool = True
) -> str | None:
    """``check_url``'s reason as a sentence, or None: for services that collect problems."""
    try:
        check_url(url, schemes=schemes, resolve=resolve)
    except UnsafeURL as exc:
        return str(exc)
    return None


def validate_url(value: str) -> None:
    """``check_url`` as a Django validator, for form and admin fields."""
    problem = url_problem(value) if value else None
    if problem:
        raise ValidationError(problem, code="unsafe_url")


def message_url_problems(*, media_urls: object = (), buttons: object = ()) -> list[tuple[str, str]]:
    """A message's media links and URL buttons that the guard refuses, as ``(path, reason)``
    with paths relative to the message (``mediaUrls.0``, ``buttons.1.value``). Entries of the
    wrong shape are left to the callers' own shape checks."""
    problems = []
    for index, url in enumerate(media_urls if isinstance(media_urls, list | tuple) else ()):
        if isinstance(url, str) and url.strip() and (problem := url_problem(url)):
            problems.append((f"mediaUrls.{index}", problem))
    for index, button in enumerate(buttons if isinstance(buttons, list | tuple) else ()):
        if not isinstance(button, dict) or button.get("type") != "url":
            continue
        value = button.get("value")
        if isinstance(value, str) and value.strip() and (problem := url_problem(value)):
            problems.append((f"buttons.{index}.value", problem))
    return problems


if TYPE_CHECKING:
    # What the mixin is mixed into, so the type checker knows ``super()`` and the form's
    # attributes; at run time it stays a plain mixin.
    _ModelForm = forms.BaseModelForm
else:
    _ModelForm = object


class MessageURLsFormMixin(_ModelForm):
    """For a model form (the admin's) whose JSON fields hold message links.

    ``message_url_fields`` maps a field to its shape: ``"media"`` (a list of URLs),
    ``"buttons"`` (a button list) or ``"message"`` (a document with ``mediaUrls`` and
    ``buttons``). Each refused link is an error on its field, with its path.
    """

    message_url_fields: dict[str, str] = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned is None:  # a clean() that returns nothing keeps cleaned_data (Django's rule)
            cleaned = self.cleaned_data
        for name, shape in self.message_url_fields.items():
            value = cleaned.get(name) or ()
            if shape == "message":
                value = value if isinstance(value, dict) else {}
                links = message_url_problems(
                    media_urls=value.get("mediaUrls") or (), buttons=value.get("buttons") or ()
                )
            elif shape == "media":
                links = message_url_problems(media_urls=value)
            else:
                links = message_url_problems(buttons=value)
            for path, problem in links:
                self.add_error(name, f"{path}: {problem}")
        return cleaned


# --- connection time ----------------------------------------------------------------------


def resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host`` to connect to, all of them checked.

    Raises ``UnsafeURL`` when any address is forbidden (a name that answers one public and
    one private address is refused whole), ``socket.gaierror`` when it does not resolve.
    """
    name = _host_name(host)
    trusted = is_trusted_host(name)
    if not trusted:
        _check_literal_or_name(name)
    addresses = _resolved(name, port)
    if not trusted:
        _check_addresses(name, addresses)
    return [str(ip) for ip in addresses]


def connect(host: str, port: int, open_address: Callable[[str], socket.socket]) -> socket.socket:
    """A socket to ``host`` opened by ``open_address(address)`` on a checked address only."""
    error: OSError | None = None
    for address in resolve(host, port):
        try:
            return open_address(address)
        except OSError as exc:
            error = exc
    raise error or OSError(f"No address to connect to for {host}.")


class _PinnedConnection(urllib3_connection.HTTPConnection):
    """urllib3's ``_new_conn`` with the address check in front of the connect; the host name
    stays the connection's own, so Host, SNI and certificate checks are unchanged. Mixed in
    before urllib3's HTTP or HTTPS connection (a subclass of the first, so typed as one)."""

    def _new_conn(self) -> socket.socket:
        def open_address(address: str) -> socket.socket:
            return urllib3_util.create_connection(
                (address, self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )

        try:
            sock = connect(self._dns_host, self.port, open_address)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        except TimeoutError as exc:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from exc
        except OSError as exc:
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc
        sys.audit("http.client.connect", self, self.host, self.port)
        return sock


class _PinnedHTTPConnection(_PinnedConnection, urllib3_connection.HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnection, urllib3_connection.HTTPSConnection):
    pass


class _PinnedHTTPPool(connectionpool.HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(connectionpool.HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests' pooled adapter whose connections reach only checked addresses."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PinnedHTTPPool,
            "https": _PinnedHTTPSPool,
        }

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> NoReturn:
        raise UnsafeURL("Outbound calls do not use a proxy: it would resolve hosts past the guard.")

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        # Every request and redirect hop: the scheme rule, no credentials in the URL. The
        # address is checked when a connection opens (a pooled one was checked already).
        _check_scheme(request.url or "", HTTP_SCHEMES)
        return super().send(request, *args, **kwargs)


class GuardedSession(requests.Session):
    """A requests session behind the guard.

    ``follow_redirects=False`` (provider calls): a redirect is never followed, even when a
    caller forgets ``allow_redirects=False`` (requests raises ``TooManyRedirects``). Otherwise
    each hop passes the guard again, and credentials never follow a redirect, to any host.
    The environment's proxies and .netrc credentials are ignored.
    """

    def __init__(self, *, follow_redirects: bool = False, pool_maxsize: int = 10) -> None:
        super().__init__()
        self.trust_env = False
        self.follow_redirects = follow_redirects
        adapter = GuardedAdapter(pool_connections=pool_maxsize, pool_maxsize=pool_maxsize)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def resolve_redirects(
        self, resp: Response, req: PreparedRequest, *args: Any, **kwargs: Any
    ) -> Iterator[Response | PreparedRequest]:
        if self.follow_redirects or not self.get_redirect_target(resp):
            return super().resolve_redirects(resp, req, *args, **kwargs)
        if kwargs.get("yield_requests"):
            return iter(())  # allow_redirects=False: the caller reads the 3xx answer itself
        raise requests.TooManyRedirects("This session never follows redirects.", response=resp)

    def rebuild_auth(self, prepared_request: PreparedRequest, response: Response) -> None:
        prepared_request.headers.pop("Authorization", None)
