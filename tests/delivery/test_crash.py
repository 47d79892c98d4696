"""Crash safety with a real ``manage.py qcluster``: SIGKILL mid-send, a new cluster finishes.

The cluster is a subprocess, so it must see the test database: on PostgreSQL it connects to
pytest-django's test database by name; on SQLite (whose test database lives in memory) the
test copies the database into a file with SQLite's backup API, points the cluster at the file,
and copies the file back before asserting. The broker is the one the settings name (Redis on
the PostgreSQL leg, the ORM broker without REDIS_URL), so both CI legs run these tests; a
missing service makes them fail, never skip.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from accounts.models import Account
from audience.models import Contact
from campaigns.models import Campaign
from delivery import control, schedules
from delivery.models import Recipient
from messaging.models import Sender
from tests.messaging.provider_server import ProviderServer

# Real qcluster processes and a provider server, killed on purpose: about a minute each.
pytestmark = pytest.mark.slow

BASE_DIR = Path(settings.BASE_DIR)
AUDIENCE = 5000
BATCH = 250


class ClusterDatabase:
    """The database a subprocess cluster shares with the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.path = tmp_path / "crash.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            auth = quote(s["USER"] or "")
            if s.get("PASSWORD"):
                auth += ":" + quote(s["PASSWORD"])
            self.url = (
                f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )

    def hand_over(self) -> None:
        """Make what the test wrote visible to the cluster."""
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()

    def take_back(self) -> None:
        """Make what the cluster wrote visible to the test's ORM."""
        if self.sqlite:
            connection.ensure_connection()
            source = sqlite3.connect(self.path, timeout=30)
            source.backup(connection.connection)
            source.close()

    def campaign_state(self, campaign_id: int) -> tuple[str, Counter]:
        if not self.sqlite:
            status = Campaign.objects.values_list("status", flat=True).get(pk=campaign_id)
            return status, Counter(
                dict(
                    Recipient.objects.filter(campaign_id=campaign_id)
                    .order_by()
                    .values_list("status")
                    .annotate(n=Count("id"))
                )
            )
        db = sqlite3.connect(self.path, timeout=30)
        try:
            status = db.execute(
                "SELECT status FROM campaigns_campaign WHERE id = ?", (campaign_id,)
            ).fetchone()[0]
            rows = db.execute(
                "SELECT status, COUNT(*) FROM campaigns_recipient WHERE campaign_id = ? "
                "GROUP BY status",
                (campaign_id,),
            ).fetchall()
        finally:
            db.close()
        return status, Counter(dict(rows))


class Cluster:
    def __init__(self, env: dict, log: Path) -> None:
        self.log = open(log, "ab")  # closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the whole cluster (guard, pusher, monitor, workers) at once."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
        self.log.close()


def _seed(server: ProviderServer, *, rate: int, audience: int = AUDIENCE) -> Campaign:
    account = Account.objects.create(name="Crash", slug="crash", timezone="UTC")
    Contact.objects.bulk_create(
        [
            Contact(
                account=account,
                phone=f"+3361{i:07d}",
                first_name=f"C{i}",
                timezone="Europe/Paris",
                country="FR",
            )
            for i in range(audience)
        ],
        batch_size=1000,
    )
    sender = Sender.objects.create(
        account=account,
        name="Crash number",
        channel=Sender.Channel.WHATSAPP,
        messaging_limit="TIER_UNLIMITED",  # the 24 h limit is test_pacing.py's
        phone_number_id="1065400001",
        api_base_url=server.url,
        access_token="token",
        rate_limit_per_second=rate,
    )
    return Campaign.objects.create(
        account=account,
        sender=sender,
        name="Crash test",
        message_content="Hello {{first_name}}",
        timezone="UTC",
    )


def _env(db: ClusterDatabase, extra: dict) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "REDIS_URL": settings.REDIS_URL or "",
        "TEST_DATABASE_NAME": "",
        "Q_WORKERS": "4",
        "CAMPAIGNS_BATCH_SIZE": str(BATCH),
        "CAMPAIGNS_LEASE_SECONDS": "30",
        "CAMPAIGNS_BATCH_STALE_SECONDS": "5",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    return env


def _purge_broker() -> None:
    from django_q.brokers import get_broker

    get_broker().purge_queue()


def _wait(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def _run_with_a_crash(
    tmp_path, server: ProviderServer, *, rate: int, env: dict, audience: int = AUDIENCE
):
    """Publish, SIGKILL the cluster mid-send, start another; returns facts for the asserts."""
    db = ClusterDatabase(tmp_path)
    _purge_broker()
    campaign = _seed(server, rate=rate, audience=audience)
    schedules.schedules_ensure()
    control.campaign_publish(campaign=campaign)  # enqueues the prepare task on commit
    db.hand_over()
    cluster_env = _env(db, env)
    log = tmp_path / "qcluster.log"

    def note(text: str) -> None:
        with open(log, "a") as f:
            f.write(f"--- {time.strftime('%H:%M:%S')} {text}\n")

    note("starting the first cluster")
    first = Cluster(cluster_env, log)
    try:
        _wait(lambda: len(server.requests) >= audience // 4, timeout=90, what="sending to start")
        first.kill()
    finally:
        first.stop()
    seen_at_kill = len(server.requests)
    _, at_kill = db.campaign_state(campaign.pk)
    note(f"killed after {seen_at_kill} requests; recipients then: {dict(at_kill)}")

    second = Cluster(cluster_env, log)
    try:
        _wait(
            lambda: db.campaign_state(campaign.pk)[0] == Campaign.Status.COMPLETED,
            timeout=150,
            what=f"the campaign to complete (see {log})",
        )
    finally:
        note("stopping the second cluster")
        second.stop()
    db.take_back()
    return campaign, seen_at_kill, at_kill


@pytest.mark.django_db(transaction=True)
def test_a_killed_cluster_loses_nothing_and_resends_nobody(tmp_path):
    with ProviderServer(seed=1) as server:
        # given a 5,000-recipient campaign sending through a cluster that is SIGKILLed mid-send
        campaign, seen_at_kill, at_kill = _run_with_a_crash(tmp_path, server, rate=0, env={})
        requests = server.requests

    # then the kill happened mid-send
    assert AUDIENCE // 4 <= seen_at_kill < AUDIENCE
    statuses = Counter(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True))
    # every recipient is sent, except those in flight at the kill, which are uncertain
    assert set(statuses) <= {Recipient.Status.SENT, Recipient.Status.UNCERTAIN}
    assert sum(statuses.values()) == AUDIENCE
    assert statuses[Recipient.Status.UNCERTAIN] <= at_kill[Recipient.Status.SENDING]
    # and nobody got two messages
    # (a request cut off by the kill arrives with a truncated body and names nobody)
    per_recipient = Counter(r.callback_data for r in requests if r.json is not None)
    assert max(per_recipient.values()) == 1
    sent = dict(
        Recipient.objects.filter(campaign=campaign, status=Recipient.Status.SENT).values_list(
            "pk", "provider_message_id"
        )
    )
    by_callback = {r.callback_data: r.message_id for r in requests if r.json is not None}
    assert all(by_callback[f"recipient:{pk}"] == message_id for pk, message_id in sent.items())
    campaign.refresh_from_db()
    assert campaign.total_sent == statuses[Recipient.Status.SENT]


@pytest.mark.django_db(transaction=True)
def test_a_flaky_provider_and_a_crash_end_sent_or_failed_within_the_rate(tmp_path):
    rate = 250
    audience, tuning = AUDIENCE, {}
    if connection.vendor == "sqlite":
        # Without Redis the token bucket is a database row, and SQLite has one writer at a
        # time: every token waits for the write lock, so this leg sends fewer messages with
        # fewer threads competing for it (the PostgreSQL + Redis leg runs the full 5,000).
        audience, tuning = 1500, {"Q_WORKERS": "2", "PROVIDER_CONCURRENCY": "4"}
    with ProviderServer(seed=2, fail_503=0.10, fail_429=0.05, hang=0.01, hang_seconds=2) as server:
        # given a provider answering 10% 503, 5% 429 and hanging on 1%, and a crash mid-send
        campaign, _, at_kill = _run_with_a_crash(
            tmp_path,
            server,
            rate=rate,
            env={
                "PROVIDER_READ_TIMEOUT": "1",
                "CAMPAIGNS_RETRY_BASE_SECONDS": "0.2",
                "CAMPAIGNS_RETRY_CAP_SECONDS": "2",
                "CAMPAIGNS_RETRY_INLINE_SECONDS": "5",
                "CAMPAIGNS_MAX_ATTEMPTS": "8",
                "CAMPAIGNS_THROTTLE_PENALTY_SECONDS": "0.05",
                **tuning,
            },
            audience=audience,
        )
        busiest_second = server.max_in_any_window(1.0)
        outcomes = Counter(r.outcome for r in server.requests)

    # then the faults happened
    assert outcomes["error"] > audience * 0.1
    assert outcomes["hang"] > 0
    # and every recipient is sent, or failed with its reason, or uncertain from the kill
    rows = list(Recipient.objects.filter(campaign=campaign).values("status", "error_message"))
    statuses = Counter(r["status"] for r in rows)
    assert sum(statuses.values()) == audience
    assert set(statuses) <= {"sent", "failed", "uncertain"}
    assert all(r["error_message"] for r in rows if r["status"] == "failed")
    assert statuses["uncertain"] <= at_kill["sending"]
    # (eight attempts with backoff get almost everyone through 15% transient faults)
    assert statuses["failed"] <= audience * 0.01
    # and the provider never saw more than the sender's rate in any second
    assert busiest_second <= rate
