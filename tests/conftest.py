import os

import pytest

from accounts.models import Role
from accounts.services import api_key_create
from messaging.models import Sender
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    MembershipFactory,
    SenderFactory,
    UserFactory,
)
from tests.messaging.provider_server import ProviderServer

PASSWORD = "pass-word-123"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, with no stray session left when they are dropped.

    Why: a live-server request thread can end with its persistent connection (CONN_MAX_AGE)
    still open and idle (seen: the connection of a browser test's campaign action), and
    dropping the test database then fails ("being accessed by other users") and leaves it
    behind. Ending such sessions first makes the drop reliable.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs seconds per user on a busy 2-core machine; tests need no strong hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _loopback_provider_stand_ins(settings):
    """The provider and SMTP stand-ins listen on 127.0.0.1 over plain http, so the URL guard
    lets loopback and http through, and shows the stand-ins' error text as a trusted
    provider's. The guard's own tests switch these off (tests/core/test_urlguard.py)."""
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_TRUSTED_HOSTS = ["127.0.0.1"]


@pytest.fixture(autouse=True)
def _click_hits_written_in_their_request(settings):
    """Each redirect's hit is written before its answer, so a test reads it at once; the
    batched writer of production has its own tests (tests/delivery/test_hit_writer.py)."""
    settings.CLICK_HIT_FLUSH_MS = 0


@pytest.fixture
def outbound_production(settings):
    """The URL guard as in production: no loopback, https only, no trusted host."""
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    settings.OUTBOUND_ALLOW_HTTP = False
    settings.OUTBOUND_TRUSTED_HOSTS = []


@pytest.fixture(autouse=True)
def _api_key_failures_forgotten():
    """Wrong API keys are counted per address in Django's cache, which outlives a test (Redis
    on the PostgreSQL leg): without this, the suite's many 401 tests from 127.0.0.1 would
    add up to a block and later tests would get 429."""
    from accounts.throttle import api_key_throttle_reset

    api_key_throttle_reset(address="127.0.0.1")
    yield
    api_key_throttle_reset(address="127.0.0.1")


@pytest.fixture
def account(db):
    return AccountFactory(name="Acme", slug="acme")


@pytest.fixture
def other_account(db):
    return AccountFactory(name="Rival", slug="rival")


def _member(account, role):
    return MembershipFactory(account=account, role=role, user=UserFactory()).user


@pytest.fixture
def make_member(db):
    """``make_member(account, role)`` → a user with that role in that account."""
    return _member


@pytest.fixture
def user(account):
    return _member(account, Role.MARKETER)


@pytest.fixture
def viewer(account):
    return _member(account, Role.VIEWER)


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def api_key(account):
    _, raw = api_key_create(account=account, name="tests")
    return raw


@pytest.fixture
def api(client, api_key):
    """A test client that sends the API key on every request."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key}"
    return client


@pytest.fixture
def other_api_key(other_account):
    _, raw = api_key_create(account=other_account, name="rival tests")
    return raw


@pytest.fixture
def inline_pipeline(settings, django_capture_on_commit_callbacks):
    """``inline_pipeline(callable)`` runs it and then its on-commit callbacks, with the send
    pipeline's tasks run inline: a start sends everyone before it returns."""
    settings.CAMPAIGNS_TASKS_SYNC = True

    def run(callable_):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_()

    return run


@pytest.fixture
def provider():
    """The WhatsApp- and Twilio-compatible stand-in on 127.0.0.1."""
    with ProviderServer(seed=7) as server:
        yield server


@pytest.fixture
def whatsapp_sender(account, provider):
    return SenderFactory(
        account=account,
        channel=Sender.Channel.WHATSAPP,
        phone_number_id="106540352242922",
        api_base_url=provider.url,
        access_token="EAAG-token",
        app_secret="app-secret-1",
        verify_token="verify-1",
        rate_limit_per_second=0,
    )


@pytest.fixture
def whatsapp_campaign(account, whatsapp_sender):
    return CampaignFactory(account=account, sender=whatsapp_sender, status="running")


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # scripts/ensure-browser.sh
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page():
    """A fresh headless Chromium page (Debian's build; no browser download)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def signed_in_page(browser_page, live_server, user):
    """``browser_page`` carrying the session of ``user`` (a marketer of ``account``)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser_page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return browser_page
