"""A provider's retry storm against the server ``make run`` starts: no 5xx, bounded sessions.

Issue 9: 2,000 single-status WhatsApp webhooks, 4 at a time, against ``make run`` on
PostgreSQL ended in 500s "sorry, too many clients already" — the development server opened a
database connection per concurrent request. This starts the real ``scripts/serve.sh`` (web
server and qcluster) on the test database, fires the same kind of burst with a new TCP
connection per webhook, as a provider does, and watches PostgreSQL's sessions meanwhile.
"""

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from accounts.models import Account
from audience.models import Contact
from campaigns.models import Campaign
from delivery.models import Recipient
from messaging.models import Sender
from tests.delivery.test_crash import ClusterDatabase

# The `make run` server started for real and a burst of webhooks sent at it.
pytestmark = pytest.mark.slow

BASE_DIR = Path(settings.BASE_DIR)
SECRET = "burst-app-secret"
PHONE_NUMBER_ID = "106540352249999"
WEB_THREADS = 4
WEB_PROCESSES = 2
# The qcluster's processes (sentinel, pusher, monitor, workers) hold their own connections.
CLUSTER_SESSIONS = 8
# Past this the test stops firing: it must never exhaust a PostgreSQL server others share.
SAFETY_LIMIT = 40
BURST = int(os.environ.get("SERVE_BURST_WEBHOOKS", "2000"))
CONCURRENCY = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _payload(message_id: str) -> bytes:
    status = {"id": message_id, "status": "delivered", "timestamp": str(int(time.time()))}
    status["recipient_id"] = "16505551234"
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [status],
    }
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(body).encode()


def _signature(raw: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()


class SessionWatch(threading.Thread):
    """Counts the test database's PostgreSQL sessions (other than the test's own) meanwhile."""

    def __init__(self, dbname: str):
        super().__init__(daemon=True)
        self.dbname = dbname
        self.peak = 0
        self.too_many = threading.Event()
        self.done = threading.Event()

    def run(self):
        import psycopg

        s = connection.settings_dict
        with psycopg.connect(
            host=s["HOST"] or "127.0.0.1",
            port=s["PORT"] or 5432,
            user=s["USER"],
            password=s["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            while not self.done.is_set():
                (count,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                    " AND pid <> pg_backend_pid()",
                    [self.dbname],
                ).fetchone()
                self.peak = max(self.peak, count)
                if count > SAFETY_LIMIT:
                    self.too_many.set()
                time.sleep(0.05)


def _world(n: int) -> Campaign:
    account = Account.objects.create(name="Burst", slug="burst")
    sender = Sender.objects.create(
        account=account,
        name="WhatsApp",
        channel=Sender.Channel.WHATSAPP,
        messaging_limit="TIER_UNLIMITED",  # the 24 h limit is test_pacing.py's
        phone_number_id=PHONE_NUMBER_ID,
        app_secret=SECRET,
        access_token="token",
    )
    campaign = Campaign.objects.create(
        account=account,
        sender=sender,
        name="Burst",
        status=Campaign.Status.RUNNING,
        started_at=timezone.now(),
        prepared_at=timezone.now(),
        message_content="Hi",
    )
    contacts = Contact.objects.bulk_create(
        [
            Contact(account=account, phone=f"+3361{i:07d}", timezone="Europe/Paris", country="FR")
            for i in range(n)
        ],
        batch_size=1000,
    )
    Recipient.objects.bulk_create(
        [
            Recipient(
                account=account,
                campaign=campaign,
                contact=contact,
                status=Recipient.Status.SENT,
                provider_message_id=f"wamid.burst.{i}",
                sent_at=timezone.now(),
            )
            for i, contact in enumerate(contacts)
        ],
        batch_size=1000,
    )
    Campaign.objects.filter(pk=campaign.pk).update(total_recipients=n, total_sent=n)
    return campaign


def _start(database: ClusterDatabase, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "PORT": str(port),
        "WEB_THREADS": str(WEB_THREADS),
        "WEB_PROCESSES": str(WEB_PROCESSES),
        "DEBUG": "1",
    }
    env.pop("TEST_DATABASE_NAME", None)
    return subprocess.Popen(
        ["bash", str(BASE_DIR / "scripts" / "serve.sh")],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped while starting"
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise AssertionError("the server did not start within 90 s")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_status_webhooks_gets_no_5xx_and_bounded_sessions(tmp_path):
    # given a running campaign whose recipients were sent, and the `make run` server on it
    burst = BURST if connection.vendor == "postgresql" else min(BURST, 600)
    campaign = _world(burst)
    database = ClusterDatabase(tmp_path)
    database.hand_over()
    connections.close_all()  # the test's own session is not the server's
    port = _free_port()
    server = _start(database, port)
    watch = None
    if connection.vendor == "postgresql":
        watch = SessionWatch(connection.settings_dict["NAME"])
        watch.start()
    url = f"http://127.0.0.1:{port}/webhooks/whatsapp"
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/accounts/login/", server)

        # when a provider retries 2,000 single-status webhooks, 4 at a time
        def fire(i: int) -> int:
            if watch is not None and watch.too_many.is_set():
                return -1  # stop before the shared server runs out of sessions
            raw = _payload(f"wamid.burst.{i}")
            response = requests.post(
                url,
                data=raw,
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": _signature(raw),
                    "Connection": "close",
                },
                timeout=60,
            )
            return response.status_code

        with ThreadPoolExecutor(CONCURRENCY) as pool:
            codes = list(pool.map(fire, range(burst)))
    finally:
        _stop(server)
        if watch is not None:
            watch.done.set()
            watch.join(timeout=5)

    # then every webhook was answered 200, none with a 5xx
    assert codes.count(-1) == 0, f"stopped: more than {SAFETY_LIMIT} database sessions"
    assert [c for c in codes if c != 200] == []
    # and the server held a bounded number of database sessions
    if watch is not None:
        assert watch.peak <= WEB_PROCESSES * WEB_THREADS + CLUSTER_SESSIONS, watch.peak
    # and it did the work: every recipient is delivered
    database.take_back()
    delivered = Recipient.objects.filter(
        campaign=campaign, status=Recipient.Status.DELIVERED
    ).count()
    assert delivered == burst
