"""The analytics bench's server: the click redirect under ``wrk`` and Meta-style status webhooks,
against ``manage.py serve`` and a ``qcluster`` on the bench database."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from analytics_data import (  # noqa: E402
    APP_SECRET,
    AUX_NAME,
    PHONE_NUMBER_ID,
    _campaign,
    _links,
    _recipients,
)

# ---------------------------------------------------------------------------------------------
# The server: click redirect and status webhooks


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of ``pids`` so far (from /proc), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    from delivery_bench import _descendants

    return [pid, *_descendants(pid)]


class Server:
    """``manage.py serve`` and ``manage.py qcluster`` on the bench database, with the bench's
    URL conf (``bench/settings.py``)."""

    def __init__(self, threads: int | None) -> None:
        self.port = _free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "LOG_LEVEL": "WARNING"}
        if threads:
            env["WEB_THREADS"] = str(threads)
        # The server's log is kept (errors it answers with are printed from it).
        self.log = tempfile.NamedTemporaryFile(prefix="bench-serve-", suffix=".log", delete=False)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.web = subprocess.Popen(
            [sys.executable, "manage.py", "serve", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.cluster = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            **quiet,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise SystemExit("The web server did not start.")
        time.sleep(3)  # the cluster's workers come up

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far of the web server, and of the cluster's processes."""
        return _cpu_seconds(_tree(self.web.pid)), _cpu_seconds(_tree(self.cluster.pid))

    def errors(self, lines: int = 30) -> str:
        """The end of the server's log, from its first traceback or error line."""
        text = Path(self.log.name).read_text(errors="replace").splitlines()
        start = next(
            (i for i, line in enumerate(text) if "Traceback" in line or "ERROR" in line), None
        )
        return "" if start is None else "\n".join(text[start : start + lines])

    def stop(self) -> None:
        for process in (self.web, self.cluster):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in (self.web, self.cluster):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def aux_campaign(account, sender, recipients: int):
    """A fresh small campaign (recipients ``sent``, links) for the redirect and the webhooks,
    so their writes leave the 1,000,000-recipient campaign as generated."""
    from django.db import connection

    from campaigns.models import Campaign

    old = list(Campaign.objects.filter(account=account, name=AUX_NAME).values_list("pk", flat=True))
    if old:
        with connection.cursor() as cursor:
            # First clicks point at its recipients (the drain's, during earlier runs).
            cursor.execute(
                "DELETE FROM delivery_linkclick WHERE recipient_id IN"
                " (SELECT id FROM campaigns_recipient WHERE campaign_id = ANY(%s))",
                [old],
            )
            for table in ("analytics_rollup", "analytics_event", "campaigns_recipient"):
                cursor.execute(f"DELETE FROM {table} WHERE campaign_id = ANY(%s)", [old])
        Campaign.objects.filter(pk__in=old).delete()
    campaign = _campaign(account, sender, AUX_NAME, recipients)
    links = _links(campaign)
    _recipients(
        account, campaign, recipients, status_sql="'sent'", message_prefix="wamid.w", history=False
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE campaigns_campaign SET status = 'running', total_sent = %s WHERE id = %s",
            [recipients, campaign.pk],
        )
        cursor.execute("VACUUM ANALYZE campaigns_recipient")
    return campaign, links


WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
request = function()
    i = i + 1
    return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _wrk(url: str, paths: list[str], seconds: int, connections: int) -> dict:
    """Requests/s of ``wrk`` (one thread) over ``paths`` in turn; its CPU seconds too."""
    import resource

    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT % {"paths": listing})
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rate = float(out.split("Requests/sec:")[1].split()[0])
    bad = 0
    for line in out.splitlines():
        if "Non-2xx or 3xx responses" in line or "Socket errors" in line:
            bad += sum(int(x) for x in line.replace(",", " ").split() if x.isdigit())
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"rate": rate, "bad": bad, "wrk_cpu": cpu, "output": out}


def _ensure_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install wrk)", flush=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            stdout=subprocess.DEVNULL,
            check=False,
        )
    return bool(shutil.which("wrk"))


def measure_redirect(server: Server, campaign, links: list[int], args) -> None:
    from django.urls import Resolver404, resolve

    try:
        resolve("/r/x")
    except Resolver404:
        print("click redirect: /r/<token> is not on this branch yet; skipped (bare view only)")
        links = []
    if not _ensure_wrk():
        print("click redirect: wrk is missing and could not be installed; skipped")
        return
    from delivery.models import Recipient

    recipient_ids = list(
        Recipient.objects.filter(campaign_id=campaign.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:10_000]
    )
    tokens = []
    if links:
        from delivery.link_tokens import token_make

        tokens = [token_make(links[i % len(links)], r) for i, r in enumerate(recipient_ids)]
    bare_paths = [f"/bare/t{r}" for r in recipient_ids]
    runs: dict[str, list[dict]] = {"bare": [], "redirect": []}
    order = ["bare", "redirect"] * args.rounds if tokens else ["bare"] * args.rounds
    _wrk(server.url, bare_paths[:100], 2, args.connections)  # warm both up
    if tokens:
        _wrk(server.url, [f"/r/{t}" for t in tokens[:100]], 2, args.connections)
    for label in order:
        paths = bare_paths if label == "bare" else [f"/r/{t}" for t in tokens]
        web0, cluster0 = server.cpu()
        result = _wrk(server.url, paths, args.seconds, args.connections)
        web1, cluster1 = server.cpu()
        result["web_cpu"] = web1 - web0
        result["cluster_cpu"] = cluster1 - cluster0
        runs[label].append(result)
        print(
            f"    {label:8} {result['rate']:8,.0f} req/s, {result['bad']} errors or non-3xx; CPU s "
            f"over {args.seconds} s: server {result['web_cpu']:.1f}, cluster "
            f"{result['cluster_cpu']:.1f}, wrk {result['wrk_cpu']:.1f}",
            flush=True,
        )
    bare = statistics.median(r["rate"] for r in runs["bare"])
    print(f"bare Django redirect view: {bare:,.0f} req/s (median of {len(runs['bare'])} runs)")
    if not tokens:
        return
    ours = statistics.median(r["rate"] for r in runs["redirect"])
    print(
        f"click redirect /r/<token>: {ours:,.0f} req/s (median of {len(runs['redirect'])} runs), "
        f"{100 * ours / bare:.0f}% of bare (targets >= 2,000 req/s: "
        f"{'met' if ours >= 2000 else 'MISSED'}, >= 50% of bare: "
        f"{'met' if ours >= bare / 2 else 'MISSED'})"
    )
    _report_hits(campaign)


def _report_hits(campaign) -> None:
    """What the redirect left for the drain, and what the drain made of it so far."""
    from django.conf import settings

    from analytics.models import Event

    waiting = "?"
    if settings.REDIS_URL:
        try:
            import redis

            waiting = redis.Redis.from_url(settings.REDIS_URL).llen("campaigns:click-hits")
        except Exception as exc:
            waiting = f"? ({exc})"
    clicked = Event.objects.filter(campaign_id=campaign.pk, type="clicked").count()
    print(
        f"    hits waiting in Redis: {waiting}; clicked events made by the drain so far: "
        f"{clicked:,}"
    )


def _webhook_bodies(recipients: list[tuple[int, str]], batch: int) -> list[tuple[bytes, str, int]]:
    """Meta-style notifications of ``batch`` statuses each: every message delivered, then
    read; each body signed as Meta signs it."""
    bodies = []
    now = int(time.time())
    for state, offset in (("delivered", 0), ("read", 60)):
        for start in range(0, len(recipients), batch):
            statuses = []
            for rid, message_id in recipients[start : start + batch]:
                item = {
                    "id": message_id,
                    "status": state,
                    "timestamp": str(now - 3600 + offset),
                    "recipient_id": "16505551234",
                    "biz_opaque_callback_data": f"recipient:{rid}",
                }
                if state == "delivered":
                    item["conversation"] = {"id": "c1", "origin": {"type": "marketing"}}
                    item["pricing"] = {
                        "billable": True,
                        "pricing_model": "PMP",
                        "category": "marketing",
                    }
                statuses.append(item)
            value = {
                "messaging_product": "whatsapp",
                "metadata": {
                    "display_phone_number": "15550783881",
                    "phone_number_id": PHONE_NUMBER_ID,
                },
                "statuses": statuses,
            }
            body = json.dumps(
                {
                    "object": "whatsapp_business_account",
                    "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
                }
            ).encode()
            signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
            bodies.append((body, signature, len(statuses)))
    return bodies


def _post_all(
    url: str, bodies: list[tuple[bytes, str, int]], clients: int
) -> tuple[float, int, list[str]]:
    """POST every body with ``clients`` keep-alive connections; (seconds, statuses applied,
    the answers that were not 200). Bodies of one pass (delivered, then read) are all sent
    before the next pass starts."""
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(url)
    half = len(bodies) // 2
    applied = 0
    failures: list[str] = []
    lock = threading.Lock()

    def worker(queue: list[tuple[bytes, str, int]]) -> None:
        nonlocal applied
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                body, signature, _ = queue.pop()
            conn.request(
                "POST",
                "/webhooks/whatsapp",
                body=body,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            )
            response = conn.getresponse()
            content = response.read()
            with lock:
                if response.status == 200:
                    applied += json.loads(content)["applied"]
                else:
                    failures.append(f"{response.status}: {content[:200]!r}")
        conn.close()

    started = time.perf_counter()
    for part in (bodies[:half], bodies[half:]):
        queue = list(reversed(part))
        threads = [threading.Thread(target=worker, args=(queue,)) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return time.perf_counter() - started, applied, failures


RESET = """
    UPDATE campaigns_recipient SET status = 'sent', delivered_at = NULL, read_at = NULL
    WHERE campaign_id = %(campaign)s;
    DELETE FROM analytics_event WHERE campaign_id = %(campaign)s AND type IN ('delivered', 'read');
    DELETE FROM analytics_rollup WHERE campaign_id = %(campaign)s
        AND kind IN ('delivered', 'read');
    UPDATE campaigns_campaign SET total_delivered = 0, total_opened = 0
    WHERE id = %(campaign)s;
"""


def _reset(campaign) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in RESET.split(";"):
            if statement.strip():
                cursor.execute(statement, {"campaign": campaign.pk})
        cursor.execute("VACUUM ANALYZE campaigns_recipient")


def _bare_update(bodies: list[tuple[bytes, str, int]]) -> float:
    """The same statuses as bare bulk UPDATEs: one ``UPDATE … FROM (VALUES …)`` per body,
    each its own transaction, on one connection; answers the seconds."""
    from django.db import connection

    batches = []
    for body, _, _ in bodies:
        value = json.loads(body)["entry"][0]["changes"][0]["value"]
        batches.append(
            [
                (
                    s["id"],
                    s["status"],
                    dt.datetime.fromtimestamp(int(s["timestamp"]), tz=dt.UTC),
                )
                for s in value["statuses"]
            ]
        )
    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    for rows in batches:
        with raw.transaction(), raw.cursor() as cursor:
            values = ", ".join(["(%s, %s, %s::timestamptz)"] * len(rows))
            params = [x for row in rows for x in row]
            cursor.execute(
                f"UPDATE campaigns_recipient r SET status = v.status,"
                f" delivered_at = CASE WHEN v.status = 'delivered' THEN v.at"
                f" ELSE r.delivered_at END,"
                f" read_at = CASE WHEN v.status = 'read' THEN v.at ELSE r.read_at END"
                f" FROM (VALUES {values}) AS v(message_id, status, at)"
                f" WHERE r.provider_message_id = v.message_id",
                params,
            )
    return time.perf_counter() - started


def measure_webhooks(server: Server, campaign, args) -> None:
    from delivery.models import Recipient

    rows = list(
        Recipient.objects.filter(campaign_id=campaign.pk)
        .order_by("pk")
        .values_list("pk", "provider_message_id")[: args.webhook_recipients]
    )
    bodies = _webhook_bodies(rows, args.batch)
    total = sum(n for _, _, n in bodies)
    _reset(campaign)
    web0, cluster0 = server.cpu()
    seconds, applied, failures = _post_all(server.url, bodies, args.clients)
    web1, cluster1 = server.cpu()
    rate = total / seconds
    _reset(campaign)
    bare_seconds = _bare_update(bodies)
    bare_rate = total / bare_seconds
    delivered, read = (
        Recipient.objects.filter(campaign_id=campaign.pk, status=s).count()
        for s in ("delivered", "read")
    )
    print(
        f"status webhooks: {total:,} statuses in {len(bodies):,} signed POSTs of {args.batch}, "
        f"{args.clients} clients: {rate:,.0f} statuses/s ({seconds:.1f} s, {applied:,} applied; "
        f"CPU s: server {web1 - web0:.1f}, cluster {cluster1 - cluster0:.1f}) "
        f"(target >= 3,000 statuses/s: {'met' if rate >= 3000 else 'MISSED'})"
    )
    print(
        f"bare bulk UPDATE of the same rows (one UPDATE … FROM (VALUES …) per POST's statuses): "
        f"{bare_rate:,.0f} statuses/s ({bare_seconds:.1f} s, after it {read:,} read, "
        f"{delivered:,} delivered); the webhooks at {100 * rate / bare_rate:.0f}% of it "
        f"({bare_rate / rate:.1f}x slower)"
    )
    if failures or applied != total:
        print(
            f"    WEBHOOK ERRORS: {len(failures)} of {len(bodies)} POSTs not answered 200, "
            f"{total - applied:,} statuses not applied; first answers: {failures[:3]}"
        )
        print("    the server's log from its first error:\n" + server.errors())


def measure_server(account, sender, args) -> None:
    campaign, links = aux_campaign(account, sender, args.webhook_recipients)
    from django.db import connection

    connection.close()  # the server's processes open their own
    server = Server(args.threads)
    try:
        print(
            f"server: manage.py serve (gunicorn, WEB_PROCESSES processes of "
            f"{args.threads or 'WEB_THREADS'} threads) and "
            f"qcluster on 127.0.0.1:{server.port}; wrk -t1 -c{args.connections}, "
            f"{args.seconds} s per run, alternating",
            flush=True,
        )
        measure_redirect(server, campaign, links, args)
        measure_webhooks(server, campaign, args)
        _report_hits(campaign)
    finally:
        server.stop()
