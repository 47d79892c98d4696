"""Delivery benchmark: a broadcast through a real qcluster to a WhatsApp-compatible server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaigns_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/delivery_bench.py

Measures, in one run on one machine:
- the plain loop: one thread posting WhatsApp payloads with ``requests`` (a pooled Session)
  to the same fake server, messages per second;
- the pipeline: publish → last recipient marked ``sent`` for each audience size (default
  10,000 and 100,000), with the sender's rate limit off, messages per second;
- the peak resident memory of any cluster worker process per size (flat = not growing with
  the audience).

The fake provider (tests/messaging/provider_server.py) runs in its own process. The database
named by DATABASE_URL is migrated and its campaign data for the bench account is replaced.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from common import database_ensure, machine_description  # noqa: E402


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class MemoryWatch(threading.Thread):
    """Samples the RSS of every process of the cluster; keeps the largest single one."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.wait(0.25):
            for pid in _descendants(self.pid):
                self.peak_kb = max(self.peak_kb, _rss_kb(pid))


def _start_server() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.messaging.provider_server", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline().strip()
    if not line.startswith("listening "):
        raise SystemExit(f"The provider server did not start: {line!r}")
    return process, line.split(" ", 1)[1]


def plain_loop(url: str, count: int) -> float:
    """Messages per second of one thread posting with a pooled requests Session."""
    import requests

    session = requests.Session()
    session.headers["Authorization"] = "Bearer bench"
    started = time.perf_counter()
    for i in range(count):
        response = session.post(
            f"{url}/1065400000/messages",
            json={
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": f"+3361{i:07d}",
                "type": "text",
                "text": {"body": f"Hello C{i}"},
                "biz_opaque_callback_data": f"plain{i}",
            },
            timeout=10,
        )
        response.raise_for_status()
    elapsed = time.perf_counter() - started
    session.close()
    return count / elapsed


def _seed(size: int, url: str):
    from accounts.models import Account
    from audience.models import Contact
    from campaigns.models import Campaign
    from messaging.models import Sender

    slug = f"bench-{size}-{int(time.time())}"  # a fresh account per run; old ones stay
    account = Account.objects.create(name="Bench", slug=slug, timezone="UTC")
    for start in range(0, size, 10_000):
        Contact.objects.bulk_create(
            [
                Contact(
                    account=account,
                    phone=f"+3361{i:07d}",
                    first_name=f"C{i}",
                    timezone="Europe/Paris",
                    country="FR",
                )
                for i in range(start, min(size, start + 10_000))
            ]
        )
    sender = Sender.objects.create(
        account=account,
        name="Bench number",
        channel=Sender.Channel.WHATSAPP,
        messaging_limit="TIER_UNLIMITED",  # measures the pipeline, not the 24 h limit
        phone_number_id="1065400000",
        api_base_url=url,
        access_token="bench",
        rate_limit_per_second=0,  # rate limit off
    )
    return Campaign.objects.create(
        account=account,
        sender=sender,
        name=f"Bench {size}",
        message_content="Hello {{first_name}}, the sale is on!",
        timezone="UTC",
    )


def pipeline_run(size: int, url: str, workers: int) -> dict:
    from django.db import connection

    from campaigns.models import Campaign
    from delivery import control
    from delivery.models import Recipient

    campaign = _seed(size, url)
    connection.close()
    env = {**os.environ, "Q_WORKERS": str(workers), "LOG_LEVEL": "WARNING"}
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    watch = MemoryWatch(cluster.pid)
    watch.start()
    try:
        time.sleep(3)  # let the cluster's workers come up before the clock starts
        started = time.perf_counter()
        control.campaign_publish(campaign=campaign)
        recipients = Recipient.objects.filter(campaign_id=campaign.pk)
        deadline = started + max(300, size / 50)
        while time.perf_counter() < deadline:
            time.sleep(0.25)
            if recipients.exists() and not recipients.exclude(status="sent").exists():
                break
        elapsed = time.perf_counter() - started
        sent = recipients.filter(status="sent").count()
        status = Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)
    finally:
        watch.stop_event.set()
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            cluster.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
    return {
        "size": size,
        "sent": sent,
        "seconds": elapsed,
        "rate": sent / elapsed,
        "peak_worker_rss_mb": watch.peak_kb / 1024,
        "status": status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("Q_WORKERS", 4)))
    parser.add_argument("--plain", type=int, default=5000, help="requests in the plain loop")
    args = parser.parse_args()

    if not os.environ.get("REDIS_URL"):
        raise SystemExit("The delivery benchmark runs with the Redis broker: set REDIS_URL.")
    database_ensure()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django_q.brokers import get_broker

    get_broker().purge_queue()

    server, url = _start_server()
    try:
        plain = plain_loop(url, args.plain)
        print(
            f"plain requests loop: {plain:,.0f} msg/s ({args.plain:,} posts, one thread)",
            flush=True,
        )
        for size in [int(s) for s in args.sizes.split(",") if s]:
            result = pipeline_run(size, url, args.workers)
            print(
                f"pipeline {size:>7,} recipients: {result['rate']:,.0f} msg/s "
                f"({result['sent']:,} sent in {result['seconds']:.1f} s, campaign "
                f"{result['status']}), peak worker RSS {result['peak_worker_rss_mb']:.0f} MB, "
                f"{100 * result['rate'] / plain:.0f}% of the plain loop",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"machine: {machine_description()}; {args.workers} cluster workers")


if __name__ == "__main__":
    main()
