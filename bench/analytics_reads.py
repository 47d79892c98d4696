"""The analytics bench's reads: ``/stats`` and ``/analytics`` through Django's test client against
hand-written SQL of the same figures."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


# ---------------------------------------------------------------------------------------------
# Reads: /stats and /analytics


def _percentiles(times: list[float]) -> tuple[float, float]:
    """(p50, p95) in ms."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _timed(fn, count: int, warm: int = 5) -> list[float]:
    for _ in range(warm):
        fn()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _api_client(account):
    from django.test import Client

    from accounts.models import ApiKey
    from accounts.services import api_key_create

    ApiKey.objects.filter(account=account, name="bench").delete()
    _, raw = api_key_create(account=account, name="bench")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _raw_cursor():
    """A psycopg cursor on the process's connection, without Django's wrapper."""
    from django.db import connection

    connection.ensure_connection()
    return connection.connection.cursor()


GROUP_SQL = "SELECT status, count(*) FROM campaigns_recipient WHERE campaign_id = %s GROUP BY 1"
COUNTS_SQL = "SELECT status, n FROM delivery_recipientstatuscount WHERE campaign_id = %s"


@functools.cache
def _has_status_counts() -> bool:
    """Whether the recipients' status counts are kept in a table (main since 49df2c7), which
    the stats answer reads instead of counting the recipients."""
    from django.db import connection

    return "delivery_recipientstatuscount" in connection.introspection.table_names()


def hand_stats(campaign_id: int, account_id: int, *, dump: bool = True) -> dict:
    """The stats answer from hand-written SQL: the campaign's counters, its recipients by
    status (their kept counts, or a GROUP BY before those) and its error log."""
    with _raw_cursor() as cursor:
        cursor.execute(
            "SELECT total_recipients, total_sent, total_delivered, total_failed, total_opened,"
            " total_clicked, total_converted, estimated_revenue, status, status_reason"
            " FROM campaigns_campaign WHERE id = %s AND account_id = %s AND deleted_at IS NULL",
            [campaign_id, account_id],
        )
        row = cursor.fetchone()
        cursor.execute(COUNTS_SQL if _has_status_counts() else GROUP_SQL, [campaign_id])
        queue = {status.replace("_", "-"): n for status, n in cursor.fetchall()}
        cursor.execute(
            "SELECT timestamp, error_type, message, count FROM campaigns_campaignerror"
            " WHERE campaign_id = %s",
            [campaign_id],
        )
        errors = [
            {"timestamp": t.isoformat(), "errorType": e, "message": m, "count": n}
            for t, e, m, n in cursor.fetchall()
        ]
    recipients, sent, delivered, failed, opened, clicked, converted, revenue, status, why = row

    def rate(part: int, whole: int) -> float:
        return round(100.0 * part / whole, 2) if whole else 0.0

    answer = {
        "totalRecipients": recipients,
        "totalSent": sent,
        "totalDelivered": delivered,
        "totalFailed": failed,
        "totalOpened": opened,
        "totalClicked": clicked,
        "totalConverted": converted,
        "deliveryRate": rate(delivered, sent),
        "openRate": rate(opened, delivered),
        "clickRate": rate(clicked, delivered),
        "conversionRate": rate(converted, delivered),
        "estimatedRevenue": float(revenue),
        "status": status,
        "statusReason": why,
        "queue": queue,
        "errorLog": errors,
    }
    if dump:
        json.dumps(answer)
    return answer


ANALYTICS_SQL = """
    SELECT dimension, CASE WHEN dimension = 'hour' THEN day END, key,
           CASE WHEN dimension = 'total' THEN variant_key ELSE '' END, kind,
           sum(count)::bigint, sum(value)
    FROM analytics_rollup WHERE campaign_id = %s
    GROUP BY 1, 2, 3, 4, 5
"""


def hand_analytics(campaign_id: int, recipients: int, *, dump: bool = True) -> dict:
    """The report's figures from one hand-written GROUP BY over the rollups: funnel, hourly
    and daily series, the local-time heatmap, countries, devices, links, conversions and
    variants, as JSON."""
    from collections import defaultdict

    with _raw_cursor() as cursor:
        cursor.execute(ANALYTICS_SQL, [campaign_id])
        rows = cursor.fetchall()
    totals: dict = defaultdict(int)
    revenue = Decimal("0")
    hourly: dict = defaultdict(lambda: defaultdict(int))
    heat = {k: [[0] * 24 for _ in range(7)] for k in ("read", "clicked", "delivered")}
    by: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    values: dict = defaultdict(lambda: defaultdict(Decimal))
    variants: dict = defaultdict(lambda: defaultdict(int))
    for dimension, day, key, variant, kind, n, value in rows:
        if dimension == "total":
            totals[kind] += n
            variants[variant][kind] += n
            if kind == "converted":
                revenue += value
        elif dimension == "hour":
            hourly[(day, int(key))][kind] += n
        elif dimension == "local":
            weekday, hour = key.split("-")
            if kind in heat:
                heat[kind][int(weekday) - 1][int(hour)] += n
        else:
            by[dimension][key][kind] += n
            if kind == "converted":
                values[dimension][key] += value
    funnel = [
        ("recipients", recipients),
        ("sent", totals["sent"]),
        ("delivered", totals["delivered"]),
        ("read", totals["read"]),
        ("clicked", totals["clicked_unique"]),
        ("converted", totals["converted_unique"]),
    ]
    answer = {
        "funnel": [{"stage": s, "count": n} for s, n in funnel],
        "timeseries": [
            {"at": dt.datetime.combine(d, dt.time(h)).isoformat(), **hourly[(d, h)]}
            for d, h in sorted(hourly)
        ],
        "heatmap": heat,
        "byCountry": [
            {"country": k, **v, "revenue": str(values["country"][k])}
            for k, v in by["country"].items()
        ],
        "byDevice": {
            d: [{"name": k, "clicks": v["clicked"]} for k, v in by[d].items()]
            for d in ("device", "os", "browser")
        },
        "links": [{"link": k, **v} for k, v in by["link"].items()],
        "conversions": [
            {"event": k, **v, "value": str(values["event"][k])} for k, v in by["event"].items()
        ],
        "byVariant": [{"variant": k, **v} for k, v in variants.items()],
        "revenue": str(revenue),
    }
    if dump:
        json.dumps(answer)
    return answer


def bare_account(request) -> int | None:
    """The account of the request's API key, by hand: one SELECT by the key's SHA-256 (the
    product checks the same hash, revocation and account)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    digest = hashlib.sha256(header[7:].encode()).hexdigest()
    with _raw_cursor() as cursor:
        cursor.execute(
            "SELECT k.account_id FROM accounts_apikey k JOIN accounts_account a"
            " ON a.id = k.account_id WHERE k.key_hash = %s AND k.revoked_at IS NULL",
            [digest],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def bare_stats_view(request, campaign_id: int):
    """``bench/urls.py``'s ``/bare/stats/<id>``: the stats figures by hand, behind the same
    middleware and an API key checked by hand."""
    from django.http import HttpResponse

    account_id = bare_account(request)
    if account_id is None:
        return HttpResponse(status=401)
    body = json.dumps(hand_stats(campaign_id, account_id, dump=False))
    return HttpResponse(body, content_type="application/json")


def bare_analytics_view(request, campaign_id: int):
    """``/bare/analytics/<id>``: the analytics figures from one hand-written GROUP BY, behind
    the same middleware and key check."""
    from django.http import HttpResponse

    account_id = bare_account(request)
    if account_id is None:
        return HttpResponse(status=401)
    with _raw_cursor() as cursor:
        cursor.execute(
            "SELECT total_recipients FROM campaigns_campaign WHERE id = %s AND account_id = %s",
            [campaign_id, account_id],
        )
        row = cursor.fetchone()
    if row is None:
        return HttpResponse(status=404)
    body = json.dumps(hand_analytics(campaign_id, row[0], dump=False))
    return HttpResponse(body, content_type="application/json")


def _queries(fn) -> tuple[int, float]:
    """How many queries ``fn`` runs and their time in ms (Django's own timing)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured), sum(float(q["time"]) for q in captured.captured_queries) * 1000


def _line(label: str, times: list[float], base: list[float] | None = None) -> str:
    p50, p95 = _percentiles(times)
    text = f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(times)} requests)"
    if base is not None:
        b50, b95 = _percentiles(base)
        text += f"; {p50 / b50:.2f}x the SQL at p50, {p95 / b95:.2f}x at p95"
        text += (
            f" (targets p95 < 50 ms: {'met' if p95 < 50 else 'MISSED'},"
            f" <= 1.5x: {'met' if p95 / b95 <= 1.5 else 'MISSED'})"
        )
    return text


def measure_reads(account, campaign, count: int) -> None:
    """The reads with ``bench/urls.py`` mounted (its bare endpoints are the baselines)."""
    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF="bench.urls"):
        _measure_reads(account, campaign, count)


def _measure_reads(account, campaign, count: int) -> None:
    from django.core.serializers.json import DjangoJSONEncoder

    from analytics.report import campaign_report

    client = _api_client(account)
    base = f"/api/campaigns/{campaign.pk}"

    def get(path: str):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.content)
            return response

        return call

    # /stats: the endpoint against the three reads it needs written by hand.
    stats = get(f"{base}/stats")
    answer = stats().json()
    hand = hand_stats(campaign.pk, account.pk)
    for key in ("totalSent", "totalDelivered", "totalOpened", "totalClicked", "totalConverted"):
        assert answer[key] == hand[key], (key, answer[key], hand[key])
    assert answer["queue"] == {**dict.fromkeys(answer["queue"], 0), **hand["queue"]}
    n, sql_ms = _queries(stats)
    first = _timed(stats, 1, warm=0)[0]
    runs = count if first < 1000 else 10
    hand_times = _timed(lambda: hand_stats(campaign.pk, account.pk), runs)
    source = "kept status counts" if _has_status_counts() else "GROUP BY of the recipients"
    print(_line(f"hand SQL for /stats (counters, {source}, errors)", hand_times))
    bare_stats = get(f"/bare/stats/{campaign.pk}")
    assert bare_stats().json()["totalSent"] == answer["totalSent"]
    bare_times = _timed(bare_stats, runs)
    print(_line("GET /bare/stats (the same SQL behind the same middleware and key)", bare_times))
    ours = _timed(stats, runs)
    print(_line(f"GET {base}/stats", ours, hand_times))
    print(_line("    against the bare endpoint", ours, bare_times))
    print(f"    one /stats request: {n} queries, {sql_ms:.1f} ms in SQL")

    # /analytics: the endpoint, the report it is built on, and one GROUP BY over the rollups.
    analytics = get(f"{base}/analytics")
    first = _timed(analytics, 1, warm=0)[0]
    runs = count if first < 1000 else 5
    if runs < count:
        print(f"    /analytics took {first:.0f} ms once: timing {runs} requests only")
    hand_times = _timed(lambda: hand_analytics(campaign.pk, campaign.total_recipients), count)
    print(_line("hand SQL for the analytics figures (one GROUP BY over the rollups)", hand_times))
    n, sql_ms = _queries(analytics)
    keys = sorted(analytics().json())
    bare_analytics = get(f"/bare/analytics/{campaign.pk}")
    assert (
        bare_analytics().json()["revenue"]
        == hand_analytics(campaign.pk, campaign.total_recipients)["revenue"]
    )
    bare_times = _timed(bare_analytics, runs)
    label = "GET /bare/analytics (one GROUP BY behind the same middleware and key)"
    print(_line(label, bare_times))
    ours = _timed(analytics, runs, warm=min(5, runs))
    print(_line(f"GET {base}/analytics", ours, hand_times))
    print(_line("    against the bare endpoint", ours, bare_times))
    print(f"    one /analytics request: {n} queries, {sql_ms:.1f} ms in SQL; keys {keys}")

    def report():
        return json.dumps(campaign_report(campaign=campaign), cls=DjangoJSONEncoder)

    report_answer = json.loads(report())
    hand = hand_analytics(campaign.pk, campaign.total_recipients)
    assert [s["count"] for s in report_answer["funnel"]] == [s["count"] for s in hand["funnel"]]
    assert report_answer["heatmap"]["read"] == hand["heatmap"]["read"]
    assert Decimal(report_answer["revenue"]) == Decimal(hand["revenue"])
    n, sql_ms = _queries(report)
    print(
        _line(
            "analytics.report.campaign_report + json.dumps (no HTTP)",
            _timed(report, count),
            hand_times,
        )
    )
    print(f"    one report: {n} queries, {sql_ms:.1f} ms in SQL, {len(report()):,} bytes of JSON")
