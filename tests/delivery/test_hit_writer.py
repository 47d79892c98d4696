"""The redirect's hits in batches (``delivery.hit_writer``): none is written in its request,
the process's thread writes them all in one push, a process that stops writes what it holds,
and a failed write keeps them for the next round."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from delivery import hit_writer, redirect
from delivery.clicks import clicks_drain
from delivery.models import ClickHit
from tests.delivery.click_helpers import UA, link, sent_campaign, token
from tests.delivery.test_crash import ClusterDatabase

pytestmark = pytest.mark.django_db(transaction=True)
BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _batched(settings):
    settings.REDIS_URL = ""
    settings.CLICK_HIT_FLUSH_MS = 100
    redirect.cache_clear()
    hit_writer._pending.take()
    yield
    hit_writer._pending.take()
    redirect.cache_clear()


@pytest.fixture
def sale(account):
    delivered = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)  # long past the bot window
    campaign = sent_campaign(account, countries=("FR",), delivered_at=delivered)
    recipient = campaign.recipients.get()
    return campaign, recipient, link(campaign, "https://shop.example.com/sale")


def _wait_for_rows(count: int, seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        n = ClickHit.objects.count()
        if n >= count:
            return n
        time.sleep(0.02)
    return ClickHit.objects.count()


def test_hits_wait_for_the_batch_then_are_written_together_and_drained(client, sale):
    # given
    campaign, recipient, tracked = sale
    t = token(tracked, recipient)

    # when: three clicks, answered at once
    for _ in range(3):
        response = client.get(f"/r/{t}", HTTP_USER_AGENT=UA["iphone"])
        assert response.status_code == 302
    written_in_requests = ClickHit.objects.count()

    # then: the process's writer thread writes all three together, and the drain counts them
    assert written_in_requests == 0
    assert _wait_for_rows(3) == 3
    assert len(set(ClickHit.objects.values_list("hit_id", flat=True))) == 3
    assert clicks_drain().clicks == 3


def test_a_failed_write_keeps_the_hits_for_the_next_round(sale, monkeypatch):
    # given: the table refuses once
    _, recipient, tracked = sale
    hit = {
        "h": "f" * 32,
        "l": tracked.pk,
        "r": recipient.pk,
        "t": token(tracked, recipient),
        "at": time.time(),
        "m": "GET",
        "ua": UA["iphone"],
        "c": "",
    }
    hit_writer._pending.hits.append(hit)
    real = hit_writer.hits_write

    def refuse(hits):
        monkeypatch.setattr(hit_writer, "hits_write", real)
        raise RuntimeError("database away")

    monkeypatch.setattr(hit_writer, "hits_write", refuse)

    # when
    with pytest.raises(RuntimeError):
        hit_writer.hits_flush()
    retried = hit_writer.hits_flush()

    # then
    assert retried == 1
    assert ClickHit.objects.get().hit_id == "f" * 32


SCRIPT = """
import django, os, sys
django.setup()
from delivery import hit_writer
hit_writer.hit_add({"h": "e" * 32, "l": int(sys.argv[1]), "r": int(sys.argv[2]), "t": "x",
                    "at": 1.0, "m": "GET", "ua": "exit-test", "c": ""})
# the interpreter ends before the writer's first round: atexit writes the hit
"""


def test_a_process_that_stops_writes_the_hits_it_holds(sale, tmp_path):
    # given: a process with a pending hit and a batch interval longer than its life
    _, recipient, tracked = sale
    database = ClusterDatabase(tmp_path)
    database.hand_over()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database.url,
        "CLICK_HIT_FLUSH_MS": "60000",
        "REDIS_URL": "",
    }
    env.pop("TEST_DATABASE_NAME", None)

    # when
    subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tracked.pk), str(recipient.pk)],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=60,
    )

    # then
    database.take_back()
    assert ClickHit.objects.get().user_agent == "exit-test"
