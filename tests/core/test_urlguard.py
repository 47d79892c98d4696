"""core.urlguard: which URLs pass at input, and what a connection may reach.

Real servers on 127.0.0.1 stand in for the hosts; only the guard's settings change. The
autouse fixture of tests/conftest.py lets loopback through for the provider stand-ins; these
tests switch that off where the guard itself is under test.
"""

import contextlib
import ipaddress
import socket

import pytest
import requests

from core import urlguard
from tests.core.servers import RecordingServer, redirect

FORBIDDEN = [
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://169.254.169.254/computeMetadata/v1/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://metadata/",
    "https://10.0.0.1/",  # private
    "https://10.255.1.2:8443/v1",
    "https://172.16.0.1/",
    "https://192.168.1.1/",
    "https://[fd00::1]/",
    "https://[fd00:ec2::254]/",
    "https://127.0.0.1/",  # loopback, every spelling
    "https://127.1/",
    "https://2130706433/",
    "https://0177.0.0.1/",
    "https://0x7f.0.0.1/",
    "https://0x7f000001/",
    "https://[::1]/",
    "https://[0:0:0:0:0:0:0:1]/",
    "https://localhost/",
    "https://LOCALHOST./",
    "https://api.localhost/",
    "https://[::ffff:127.0.0.1]/",  # IPv4 inside IPv6
    "https://[::ffff:a9fe:a9fe]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    "https://[2002:a00:1::]/",
    "https://169.254.1.1/",  # link-local
    "https://[fe80::1]/",
    "https://0.0.0.0/",  # unspecified
    "https://0/",
    "https://[::]/",
    "https://224.0.0.1/",  # multicast
    "https://[ff02::1]/",
    "https://240.0.0.1/",  # reserved
    "https://255.255.255.255/",
    "https://100.64.0.1/",  # shared (carrier-grade NAT)
    "https://100.100.100.200/",
    "https://192.0.0.192/",
    "https://printer.local/",  # names only a private resolver answers
    "https://db.internal/",
    "https://999.0.0.1/",  # numeric, but no address
]

PUBLIC = [
    "https://8.8.8.8/",
    "https://[2606:4700:4700::1111]/dns-query",
    "https://graph.facebook.com/v21.0",
    "https://shop.example.com/spring?utm=1",
]


@pytest.fixture
def no_loopback(settings):
    """Plain http stays allowed (the stand-ins speak it), loopback does not."""
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_TRUSTED_HOSTS = []


def _loopback_name() -> str:
    """A host name other than "localhost" that the system resolves to loopback (the machine's
    own name, from /etc/hosts), so the check after DNS resolution is what refuses it."""
    names = [socket.gethostname()]
    with contextlib.suppress(OSError):
        name, aliases, _ = socket.gethostbyaddr("127.0.0.1")
        names += [name, *aliases]
    for name in names:
        try:
            urlguard.check_host(name, port=80, resolve=False)
            infos = socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)
        except (urlguard.UnsafeURL, OSError):
            continue
        if all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos):
            return name
    pytest.skip("No host name besides localhost resolves to loopback on this machine.")


# --- input --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", FORBIDDEN)
def test_every_forbidden_address_form_is_refused_at_input(no_loopback, url):
    with pytest.raises(urlguard.UnsafeURL) as refused:
        urlguard.check_url(url)
    assert "public internet" in str(refused.value) or "not a valid address" in str(refused.value)


@pytest.mark.parametrize("url", PUBLIC)
def test_public_https_urls_pass(outbound_production, url):
    assert urlguard.check_url(f"  {url} ") == url
    assert urlguard.url_problem(url) is None


def test_a_name_that_resolves_to_loopback_is_refused_after_resolution(outbound_production):
    name = _loopback_name()
    with pytest.raises(urlguard.UnsafeURL, match="resolves to a loopback address"):
        urlguard.check_url(f"https://{name}/v1")


def test_production_refuses_plain_http_and_the_setting_allows_it(outbound_production, settings):
    with pytest.raises(urlguard.UnsafeURL, match="must use https://"):
        urlguard.check_url("http://graph.facebook.com/v21.0")
    settings.OUTBOUND_ALLOW_HTTP = True
    assert urlguard.check_url("http://graph.facebook.com/v21.0")


def test_the_loopback_setting_lets_loopback_through_and_nothing_else(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    settings.OUTBOUND_TRUSTED_HOSTS = []
    for url in ("http://127.0.0.1:8000/x", "http://localhost:8000", "http://[::1]:9/"):
        assert urlguard.url_problem(url) is None
    for url in ("http://10.0.0.1/", "http://169.254.169.254/", "http://0.0.0.0:8000/"):
        assert urlguard.url_problem(url) is not None


def test_credentials_in_a_url_and_other_schemes_are_refused(outbound_production):
    assert "user name or password" in urlguard.url_problem("https://graph.facebook.com@8.8.8.8/")
    assert "must start with" in urlguard.url_problem("file:///etc/passwd")
    assert "must start with" in urlguard.url_problem("gopher://8.8.8.8:25/")
    assert urlguard.url_problem("smtps://mailer:pw@8.8.8.8:465", schemes=["smtps"]) is None


def test_a_trusted_host_skips_the_address_check(outbound_production, settings):
    settings.OUTBOUND_TRUSTED_HOSTS = ["relay.internal"]
    assert urlguard.url_problem("https://relay.internal/") is None
    assert urlguard.url_problem("https://other.internal/") is not None


def test_message_links_are_reported_with_their_paths(outbound_production):
    problems = urlguard.message_url_problems(
        media_urls=["https://cdn.example.com/a.png", "https://10.1.2.3/b.png"],
        buttons=[
            {"type": "call", "value": "+15550001111"},
            {"type": "url", "value": "https://[::1]/admin"},
        ],
    )
    assert [path for path, _ in problems] == ["mediaUrls.1", "buttons.1.value"]


# --- connection time ----------------------------------------------------------------------


def test_a_connection_to_a_forbidden_address_is_refused_before_anything_is_sent(no_loopback):
    with RecordingServer() as server:
        session = urlguard.GuardedSession()
        for host in ("127.0.0.1", "localhost", "2130706433", "0x7f.1", _loopback_name()):
            with pytest.raises(urlguard.UnsafeURL):
                session.post(f"http://{host}:{server.port}/v1/messages", json={}, timeout=5)
        assert server.connections == 0
        assert server.seen == []


def test_dns_is_resolved_once_per_connection_and_the_checked_address_is_used(monkeypatch):
    # given a resolver that answers the provider's name with loopback (allowed in tests)
    # and records every lookup: a stand-in for DNS
    real = socket.getaddrinfo
    lookups = []

    def resolver(host, port, *args, **kwargs):
        lookups.append(host)
        return real("127.0.0.1" if host == "provider.test" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with RecordingServer() as server:
        # when a request is made to the name
        response = urlguard.GuardedSession().get(f"http://provider.test:{server.port}/", timeout=5)
    # then the name was looked up once, by the guard, and the socket opened to the checked
    # address itself: no second lookup that a rebinding DNS could answer differently
    assert response.status_code == 200
    assert lookups == ["provider.test", "127.0.0.1"]
    assert server.seen[0].headers["Host"] == f"provider.test:{server.port}"


def test_a_name_that_rebinds_to_loopback_after_the_input_check_is_refused(monkeypatch, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    settings.OUTBOUND_TRUSTED_HOSTS = []
    real = socket.getaddrinfo
    answers = iter(["8.8.8.8", "127.0.0.1"])  # a DNS stand-in that changes its answer

    def resolver(host, port, *args, **kwargs):
        target = next(answers) if host == "rebind.test" else host
        return real(target, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with RecordingServer() as server:
        url = f"http://rebind.test:{server.port}/"
        assert urlguard.url_problem(url) is None  # the input check saw a public address
        with pytest.raises(urlguard.UnsafeURL, match="resolves to a loopback address"):
            urlguard.GuardedSession().get(url, timeout=5)
        assert server.connections == 0


def test_keep_alive_connections_are_pooled_behind_the_guard():
    with RecordingServer() as server:
        session = urlguard.GuardedSession(pool_maxsize=4)
        for _ in range(25):
            assert session.post(f"{server.url()}/m", json={"n": 1}, timeout=5).ok
    assert len(server.seen) == 25
    assert server.connections == 1


# --- redirects ----------------------------------------------------------------------------


def test_a_provider_session_never_follows_a_redirect():
    with RecordingServer() as second, RecordingServer() as first:
        first.routes["/v1"] = redirect(f"{second.url()}/v1")
        session = urlguard.GuardedSession(follow_redirects=False)
        session.headers["Authorization"] = "Bearer EAAG-secret"
        with pytest.raises(requests.TooManyRedirects):
            session.post(f"{first.url()}/v1", json={}, timeout=5)
        answer = session.post(f"{first.url()}/v1", json={}, timeout=5, allow_redirects=False)
    assert answer.status_code == 307
    assert second.seen == []


def test_credentials_never_follow_a_redirect_to_any_host():
    # given two loopback servers, the first redirecting (307) to the second and to itself
    with RecordingServer() as second, RecordingServer() as first:
        first.routes["/away"] = redirect(f"{second.url('localhost')}/landed")
        first.routes["/same-host"] = redirect(f"{first.url()}/landed")
        session = urlguard.GuardedSession(follow_redirects=True)
        session.headers["Authorization"] = "Bearer EAAG-secret"

        # when redirected requests are followed
        away = session.post(f"{first.url()}/away", json={}, timeout=5)
        same = session.get(f"{first.url()}/same-host", auth=("sid", "token"), timeout=5)

    # then the first hop carried the credentials and no second hop did, even on the same host
    assert away.status_code == same.status_code == 200
    first_hops = [s for s in first.seen if s.path != "/landed"]
    assert all("Authorization" in s.headers for s in first_hops)
    second_hops = [s for s in first.seen + second.seen if s.path == "/landed"]
    assert len(second_hops) == 2
    assert all("Authorization" not in s.headers for s in second_hops)


def test_each_redirect_hop_is_checked_again(no_loopback, settings):
    settings.OUTBOUND_TRUSTED_HOSTS = ["127.0.0.1"]  # the first hop's host only
    with RecordingServer() as inner, RecordingServer() as first:
        first.routes["/hop"] = redirect(f"http://localhost:{inner.port}/secret")
        first.routes["/metadata"] = redirect("http://169.254.169.254/latest/meta-data/")
        session = urlguard.GuardedSession(follow_redirects=True)
        for path in ("/hop", "/metadata"):
            with pytest.raises(urlguard.UnsafeURL):
                session.get(f"{first.url()}{path}", timeout=5)
    assert inner.connections == 0
