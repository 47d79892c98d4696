"""Analytics benchmark (issue 12): stats and analytics reads, the click redirect and status
webhooks, on a campaign of 1,000,000 recipients and ~3,000,000 events.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaigns_bench12 \\
    REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/analytics_bench.py
    … analytics_bench.py generate      # only (re)generate the data
    … analytics_bench.py reads         # only /stats and /analytics
    … analytics_bench.py server        # only the redirect and the webhooks

Steps:
- generate: one account, 1,000,000 contacts (10 countries and their time zones), a campaign
  of 1,000,000 recipients split over variants A and B, and its events (sent, delivered, read,
  failed, human and bot clicks, conversions with revenue), all made inside PostgreSQL with
  ``INSERT … SELECT generate_series``; then the rollups are built by the real writer
  (``analytics.rollup_writer.rollups_rebuild``, which reads the events back; timed). A marker
  on the campaign keeps the data for the next run.
- reads: ``GET /api/campaigns/{id}/stats`` and ``…/analytics`` through Django's test Client
  with an API key, p50/p95 over --requests requests each, against hand-written SQL giving
  the same figures (psycopg cursor, same process), and ``analytics.report.campaign_report``
  called directly. Targets: p95 < 50 ms, within 1.5x of the SQL.
- server: ``manage.py serve`` and a ``qcluster`` on this database (settings ``bench.settings``,
  which add a bare redirect view), loaded with ``wrk``: the click redirect ``/r/<token>``
  against ``/bare/<token>``, alternating. Targets: ≥ 2,000 req/s and ≥ 50 % of bare. Then
  Meta-style status webhooks (--batch statuses per signed POST) against a bare
  ``UPDATE … FROM (VALUES …)`` of the same rows. Target: ≥ 3,000 statuses/s.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
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
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from audience_bench import COUNTRIES  # noqa: E402
from common import database_ensure, machine_description  # noqa: E402

ACCOUNT_SLUG = "bench-analytics"
CAMPAIGN_NAME = "Analytics bench"
AUX_NAME = "Analytics bench: webhooks and clicks"
PHONE_NUMBER_ID = "106540352212012"
APP_SECRET = "bench-analytics-app-secret"
MARKER_VERSION = "v1"
T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)  # the send starts (a Monday)
SEND_SECONDS = 7200  # the broadcast takes two hours
LINK_URLS = (
    "https://shop.example.com/sale?utm_source=campaigns",
    "https://shop.example.com/new?utm_source=campaigns",
    "https://shop.example.com/help?utm_source=campaigns",
)


# ---------------------------------------------------------------------------------------------
# Set-up and data


def _setup() -> None:
    database_ensure()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _tracked_link_model():
    """delivery.models.TrackedLink once click tracking is on main, else None."""
    try:
        from delivery.models import TrackedLink
    except ImportError:
        return None
    return TrackedLink


def _not_null_defaults(model, given: set[str]) -> dict[str, object]:
    """A model's NOT NULL columns the raw INSERTs below do not name, with their Python
    defaults (Django keeps defaults out of the table), so a column added later gets its
    default here instead of failing the bench on its constraint."""
    out = {}
    for field in model._meta.concrete_fields:
        if field.null or field.primary_key or field.column in given:
            continue
        default = field.get_default()
        if isinstance(default, dict | list):
            default = json.dumps(default)
        out[field.column] = default
    return out


def _insert_sql(model, columns: dict[str, str], source: str) -> tuple[str, dict[str, object]]:
    """``INSERT INTO <model> (…) SELECT <columns' expressions>, <defaults> <source>``."""
    defaults = _not_null_defaults(model, set(columns))
    names = [*columns, *defaults]
    exprs = [*columns.values(), *(f"%(d_{c})s" for c in defaults)]
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(exprs)} {source}"
    )
    return sql, {f"d_{c}": v for c, v in defaults.items()}


def _account():
    from accounts.models import Account
    from messaging.models import Sender

    account, _ = Account.objects.get_or_create(
        slug=ACCOUNT_SLUG, defaults={"name": "Analytics bench", "timezone": "Europe/Paris"}
    )
    sender, _ = Sender.objects.get_or_create(
        account=account,
        phone_number_id=PHONE_NUMBER_ID,
        defaults={
            "name": "Bench WhatsApp",
            "channel": Sender.Channel.WHATSAPP,
            "messaging_limit": "TIER_UNLIMITED",
            "app_secret": APP_SECRET,
            "access_token": "bench",
        },
    )
    return account, sender


def _marker(recipients: int) -> str:
    return f"bench-data {MARKER_VERSION} {recipients}"


def _wipe(account) -> None:
    """Everything of the bench account but the account and its sender, in raw SQL (the ORM's
    cascade would load a million rows into Python)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM campaigns_campaign WHERE account_id = %s", [account.pk])
        campaign_ids = [row[0] for row in cursor.fetchall()]
        if campaign_ids:
            for table in ("analytics_rollup", "analytics_event"):
                cursor.execute(f"DELETE FROM {table} WHERE campaign_id = ANY(%s)", [campaign_ids])
            cursor.execute(
                "DELETE FROM campaigns_recipient WHERE campaign_id = ANY(%s)", [campaign_ids]
            )
    from campaigns.models import Campaign

    Campaign.objects.filter(account=account).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM analytics_event WHERE account_id = %s", [account.pk])
    # Nothing refers to these contacts any more: their foreign keys' checks (a probe of every
    # referring table per contact) are skipped.
    with _without_foreign_key_checks(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audience_contact WHERE account_id = %s", [account.pk])


def _contacts(account, count: int) -> None:
    from django.db import connection

    from audience.models import Contact

    bands, low = [], 0
    for i, (country, code, zone, weight) in enumerate(COUNTRIES):
        bands.append(f"({i}, '{country}', '{code}', '{zone}', {low}, {low + weight})")
        low += weight
    sql, params = _insert_sql(
        Contact,
        {
            "account_id": "%(account)s",
            "phone": "'+' || b.code || lpad(g::text, 10, '0')",
            "email": "'a' || g || '@example.com'",
            "first_name": "'C' || g",
            "timezone": "b.zone",
            "country": "b.country",
            "subscribed": "true",
            "created_at": "now()",
            "updated_at": "now()",
        },
        f"""FROM generate_series(1, %(count)s) AS g
            JOIN (VALUES {", ".join(bands)}) AS b(i, country, code, zone, lo, hi)
              ON (g %% 100) >= b.lo AND (g %% 100) < b.hi""",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"account": account.pk, "count": count, **params})


def _campaign(account, sender, name: str, recipients: int):
    from campaigns.models import Campaign, Variant

    campaign = Campaign.objects.create(
        account=account,
        sender=sender,
        name=name,
        status=Campaign.Status.COMPLETED,
        message_content="Hello {{first_name}}, the sale is on: https://shop.example.com/sale",
        ab_enabled=True,
        total_recipients=recipients,
        started_at=T0,
        completed_at=T0 + dt.timedelta(seconds=SEND_SECONDS),
        timezone="UTC",
    )
    for key in ("A", "B"):
        Variant.objects.create(
            campaign=campaign,
            key=key,
            name=f"Variant {key}",
            message={"content": f"Hello ({key})"},
            split_percentage=50,
            recipients_total=recipients // 2 + (recipients % 2 if key == "A" else 0),
        )
    return campaign


def _recipients(
    account, campaign, count: int, *, status_sql: str, message_prefix: str, history: bool
) -> None:
    """``count`` recipients of ``campaign``, one per contact of the account (in id order),
    variants A and B alternating, and the plan the events are made from (``bench_plan``,
    a temporary table: one row per recipient with its hash, fate and times). With
    ``history``, each recipient is written with the times of its plan (delivered, read,
    clicked, converted, failed) in the same INSERT."""
    from django.db import connection

    from delivery.models import Recipient

    variants = dict(campaign.variants.values_list("key", "pk"))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plan")
        # h: a cheap hash of the position; fate (per mille) picks failed / delivered / read.
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE bench_plan AS
            SELECT n, contact_id, country, h, h %% 1000 AS fate,
                   %(t0)s::timestamptz + (n * {SEND_SECONDS}.0 / %(count)s) * interval '1 second'
                       AS sent_at
            FROM (
                SELECT row_number() OVER (ORDER BY c.id) - 1 AS n, c.id AS contact_id, c.country,
                       ((c.id::bigint * 2654435761) %% 4294967296) AS h
                FROM audience_contact c WHERE c.account_id = %(account)s
                ORDER BY c.id LIMIT %(count)s
            ) AS c
            """,
            {"t0": T0, "count": count, "account": account.pk},
        )
        cursor.execute(PLAN_TIMES)
        columns = {
            "account_id": "%(account)s",
            "campaign_id": "%(campaign)s",
            "contact_id": "p.contact_id",
            "variant_id": "CASE WHEN p.n %% 2 = 0 THEN %(a)s ELSE %(b)s END",
            "status": status_sql,
            "provider_message_id": f"'{message_prefix}' || p.n",
            "sent_at": "p.sent_at",
            "created_at": "%(t0)s",
        }
        if history:
            columns |= {
                "delivered_at": "p.delivered_at",
                "read_at": "p.read_at",
                "clicked_at": "p.clicked_at",
                "converted_at": "p.converted_at",
                "failed_at": "CASE WHEN p.fate < 20 THEN p.sent_at + interval '5 seconds' END",
                "error_code": "CASE WHEN p.fate < 20 THEN '131026' ELSE '' END",
            }
        sql, params = _insert_sql(Recipient, columns, "FROM bench_plan p ORDER BY p.n")
        cursor.execute(
            sql,
            {
                "account": account.pk,
                "campaign": campaign.pk,
                "a": variants["A"],
                "b": variants["B"],
                "t0": T0,
                **params,
            },
        )
        cursor.execute(
            "ALTER TABLE bench_plan ADD COLUMN recipient_id bigint, ADD COLUMN variant text"
        )
        cursor.execute(
            """UPDATE bench_plan p SET recipient_id = r.id,
                   variant = CASE WHEN p.n %% 2 = 0 THEN 'A' ELSE 'B' END
               FROM campaigns_recipient r
               WHERE r.campaign_id = %s AND r.contact_id = p.contact_id""",
            [campaign.pk],
        )
        cursor.execute("ANALYZE bench_plan")


# Times of the plan, relative to sent_at (seconds): delivery 2-30 s later; reads over ~3
# days, most of them early; clicks minutes after the read; conversions up to 5 days later.
PLAN_TIMES = """
    ALTER TABLE bench_plan
        ADD COLUMN delivered_at timestamptz, ADD COLUMN read_at timestamptz,
        ADD COLUMN clicked_at timestamptz, ADD COLUMN converted_at timestamptz,
        ADD COLUMN clicker boolean, ADD COLUMN twice boolean, ADD COLUMN bot boolean,
        ADD COLUMN converter boolean, ADD COLUMN link int;
    UPDATE bench_plan SET
        delivered_at = CASE WHEN fate >= 20 THEN sent_at + (2 + h % 28) * interval '1 second' END,
        read_at = CASE WHEN fate >= 300 THEN sent_at + (30 + ((h / 1000) % 100) ^ 2 * 26)
                       * interval '1 second' END,
        clicker = fate >= 300 AND (h / 100000) % 100 < 30,
        bot = fate >= 20 AND (h / 17) % 20 = 0,
        link = ((h / 37) % 3)::int;
    UPDATE bench_plan SET
        clicked_at = CASE WHEN clicker THEN read_at + (5 + ((h / 7) % 60) * 60)
                          * interval '1 second' END,
        twice = clicker AND (h / 13) % 4 = 0,
        converter = clicker AND (h / 19) % 10 = 0;
    UPDATE bench_plan SET
        converted_at = CASE WHEN converter THEN clicked_at + ((h / 23) % 120) * interval '1 hour'
                       END;
"""

DEVICE = """(ARRAY['mobile','mobile','mobile','mobile','mobile','mobile','desktop','desktop',
    'tablet','other'])[1 + (h / 41) %% 10]"""
OS = """(ARRAY['Android','iOS','Android','iOS','Android','iOS','Windows','Mac OS X','iOS',
    'Other'])[1 + (h / 41) %% 10]"""
BROWSER = """(ARRAY['Chrome Mobile','Mobile Safari','Samsung Internet','Mobile Safari',
    'Chrome Mobile','Mobile Safari','Chrome','Safari','Mobile Safari','Other'])
    [1 + (h / 41) %% 10]"""
MESSAGE = "jsonb_build_object('provider_message_id', 'wamid.b' || n)"
REVENUE = "CASE WHEN (h / 29) %% 5 <> 0 THEN (5 + ((h / 31) %% 20000) / 100.0)::numeric(12, 2) END"


def _click(link: str, *, unique: str, link_unique: str, bot: bool) -> str:
    return f"""jsonb_build_object(
        'link_id', (%(links)s::bigint[])[1 + {link}], 'url', (%(urls)s::text[])[1 + {link}],
        'device', {DEVICE}, 'os', {OS}, 'browser', {BROWSER}, 'country', country,
        'bot', {str(bot).lower()}, 'bot_reason', '{"preview" if bot else ""}',
        'unique', {unique}, 'link_unique', {link_unique})"""


# (type, occurred_at, data, revenue, which plan rows)
EVENTS = (
    ("sent", "sent_at", MESSAGE, "NULL", "true"),
    ("delivered", "delivered_at", MESSAGE, "NULL", "fate >= 20"),
    ("read", "read_at", MESSAGE, "NULL", "fate >= 300"),
    (
        "failed",
        "sent_at + interval '5 seconds'",
        f"""{MESSAGE} || jsonb_build_object('error', jsonb_build_object('code', '131026',
            'title', 'Message undeliverable', 'details', 'Unable to deliver the message.'))""",
        "NULL",
        "fate < 20",
    ),
    (
        "clicked",
        "clicked_at",
        _click("link", unique="true", link_unique="true", bot=False),
        "NULL",
        "clicker",
    ),
    (
        "clicked",
        "clicked_at + interval '1 hour'",
        _click("(link + 1) %% 3", unique="false", link_unique="true", bot=False),
        "NULL",
        "twice",
    ),
    (
        "clicked",
        "delivered_at + interval '1 second'",
        _click("link", unique="false", link_unique="false", bot=True),
        "NULL",
        "bot",
    ),
    (
        "converted",
        "converted_at",
        f"""jsonb_build_object(
            'event', CASE WHEN (h / 29) %% 5 <> 0 THEN 'purchase' ELSE 'signup' END,
            'order_id', 'o' || n, 'currency', 'EUR', 'value', coalesce(({REVENUE})::text, ''),
            'attribution', 'click', 'unique', true, 'conversion_id', 0,
            'properties', '{{}}'::jsonb)""",
        REVENUE,
        "converter",
    ),
)


def _events(account, campaign, link_ids: list[int]) -> int:
    """The campaign's events from the plan, one INSERT … SELECT per kind; answers how many."""
    from django.db import connection

    from analytics.models import Event

    total = 0
    for kind, at, data, revenue, where in EVENTS:
        sql, params = _insert_sql(
            Event,
            {
                "account_id": "%(account)s",
                "campaign_id": "%(campaign)s",
                "recipient_id": "recipient_id",
                "contact_id": "contact_id",
                "type": f"'{kind}'",
                "occurred_at": at,
                "data": data,
                "revenue": revenue,
            },
            f"FROM bench_plan WHERE {where} ORDER BY 6",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "account": account.pk,
                    "campaign": campaign.pk,
                    "links": link_ids,
                    "urls": list(LINK_URLS),
                    **params,
                },
            )
            total += cursor.rowcount
    return total


def _links(campaign) -> list[int]:
    """The campaign's tracked links (made when click tracking is there), else stand-in ids."""
    model = _tracked_link_model()
    if model is None:
        return STAND_IN_LINKS
    ids = []
    for position, url in enumerate(LINK_URLS):
        link = model.objects.create(
            campaign=campaign,
            url=url,
            url_hash=hashlib.sha256(url.encode()).hexdigest(),
            position=position,
            label=f"link {position + 1}",
        )
        ids.append(link.pk)
    return ids


STAND_IN_LINKS = [1, 2, 3]


def links_upgrade(campaign) -> None:
    """Data made before click tracking was there points at stand-in link ids: once the
    TrackedLink model exists, make the campaign's three links and move the clicks' link ids
    (their events' data and the ``link`` rollups) to them, instead of generating it all again."""
    from django.db import connection, transaction

    model = _tracked_link_model()
    if model is None or model.objects.filter(campaign_id=campaign.pk).exists():
        return
    with transaction.atomic():
        ids = _links(campaign)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE analytics_rollup SET key = '-' || key"
                " WHERE campaign_id = %s AND dimension = 'link'",
                [campaign.pk],
            )
            for old, new in zip(STAND_IN_LINKS, ids, strict=True):
                cursor.execute(
                    "UPDATE analytics_rollup SET key = %s"
                    " WHERE campaign_id = %s AND dimension = 'link' AND key = %s",
                    [str(new), campaign.pk, f"-{old}"],
                )
            # One pass over the clicks (no unique key there to collide with midway).
            cases = " ".join(
                f"WHEN {old} THEN {int(new)}" for old, new in zip(STAND_IN_LINKS, ids, strict=True)
            )
            cursor.execute(
                "UPDATE analytics_event SET data = jsonb_set(data, '{link_id}',"
                f" to_jsonb(CASE (data ->> 'link_id')::bigint {cases} END))"
                " WHERE campaign_id = %s AND type = 'clicked'",
                [campaign.pk],
            )
    print(f"links: the stand-in link ids {STAND_IN_LINKS} of the data are now {ids}")


COUNTERS = """
    UPDATE campaigns_campaign c SET
        total_sent = s.sent, total_delivered = s.delivered, total_opened = s.read,
        total_failed = s.failed, total_clicked = s.clicked, total_converted = s.converted,
        estimated_revenue = s.revenue
    FROM (
        SELECT count(*) AS sent, count(*) FILTER (WHERE fate >= 20) AS delivered,
               count(*) FILTER (WHERE fate >= 300) AS read,
               count(*) FILTER (WHERE fate < 20) AS failed,
               count(*) FILTER (WHERE clicker) AS clicked,
               count(*) FILTER (WHERE converter) AS converted,
               coalesce(sum(CASE WHEN converter AND (h / 29) % 5 <> 0
                   THEN (5 + ((h / 31) % 20000) / 100.0)::numeric(12, 2) END), 0) AS revenue
        FROM bench_plan
    ) AS s
    WHERE c.id = {campaign}
"""


@contextlib.contextmanager
def _without_foreign_key_checks():
    """The generated events are valid by construction: skip their foreign-key triggers (four
    per event, 12,000,000 checks at 3,000,000 events: most of the insert's time). The events
    table has no other trigger. Needs a superuser role, as the bench's local PostgreSQL has;
    other roles keep the checks."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        if superuser:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


def generate(account, sender, recipients: int, *, force: bool = False):
    """The 1,000,000-recipient campaign with its events and rollups; kept between runs."""
    from django.db import connection

    from analytics.models import Rollup
    from analytics.rollup_writer import rollups_rebuild
    from campaigns.models import Campaign

    marker = _marker(recipients)
    campaign = Campaign.objects.filter(account=account, name=CAMPAIGN_NAME).first()
    if campaign is not None and campaign.description == marker and not force:
        print(f"generate: kept the data of an earlier run ({marker})")
        links_upgrade(campaign)
        return campaign
    started = time.perf_counter()
    _wipe(account)
    status = (
        "CASE WHEN p.fate < 20 THEN 'failed' WHEN p.fate < 300 THEN 'delivered' ELSE 'read' END"
    )
    _contacts(account, recipients)
    campaign = _campaign(account, sender, CAMPAIGN_NAME, recipients)
    link_ids = _links(campaign)
    # The recipients keep their triggers (the status counts are kept by one).
    _recipients(
        account, campaign, recipients, status_sql=status, message_prefix="wamid.b", history=True
    )
    made = time.perf_counter()
    with _without_foreign_key_checks():
        events = _events(account, campaign, link_ids)
    with connection.cursor() as cursor:
        cursor.execute(COUNTERS.format(campaign=int(campaign.pk)))
    print(
        f"generate: {recipients:,} contacts and recipients in {made - started:.0f} s, "
        f"{events:,} events in {time.perf_counter() - made:.0f} s",
        flush=True,
    )
    connection.close()
    with connection.cursor() as cursor:
        for table in ("audience_contact", "campaigns_recipient", "analytics_event"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    started = time.perf_counter()
    read = rollups_rebuild(campaign.pk)
    elapsed = time.perf_counter() - started
    cells = Rollup.objects.filter(campaign_id=campaign.pk).count()
    print(
        f"rollups_rebuild: {read:,} events read back in {elapsed:.1f} s "
        f"({read / elapsed:,.0f} events/s) → {cells:,} rollup rows",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE analytics_rollup")
    Campaign.objects.filter(pk=campaign.pk).update(description=marker)
    campaign.refresh_from_db()
    return campaign


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


def hand_stats(campaign_id: int, account_id: int) -> dict:
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
    json.dumps(answer)
    return answer


ANALYTICS_SQL = """
    SELECT dimension, CASE WHEN dimension = 'hour' THEN day END, key,
           CASE WHEN dimension = 'total' THEN variant_key ELSE '' END, kind,
           sum(count)::bigint, sum(value)
    FROM analytics_rollup WHERE campaign_id = %s
    GROUP BY 1, 2, 3, 4, 5
"""


def hand_analytics(campaign_id: int, recipients: int) -> dict:
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
    json.dumps(answer)
    return answer


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
    print(_line(f"GET {base}/stats", _timed(stats, runs), hand_times))
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
    print(_line(f"GET {base}/analytics", _timed(analytics, runs, warm=min(5, runs)), hand_times))
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


def _count_events(campaign) -> int:
    from analytics.models import Event

    return Event.objects.filter(campaign_id=campaign.pk).order_by().count()


def _count_rollups(campaign) -> int:
    from analytics.models import Rollup

    return Rollup.objects.filter(campaign_id=campaign.pk).count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "step", nargs="?", choices=["all", "generate", "reads", "server"], default="all"
    )
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true", help="ignore the marker")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs of each URL")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=None, help="server threads")
    parser.add_argument("--webhook-recipients", type=int, default=30_000)
    parser.add_argument("--batch", type=int, default=100, help="statuses per webhook POST")
    parser.add_argument("--clients", type=int, default=4, help="concurrent webhook posters")
    args = parser.parse_args(argv)

    _setup()
    account, sender = _account()
    campaign = generate(account, sender, args.recipients, force=args.regenerate)
    if args.step == "generate":
        return 0
    print(f"machine: {machine_description()}")
    print(
        f"campaign: {campaign.total_recipients:,} recipients, {_count_events(campaign):,} events, "
        f"{_count_rollups(campaign):,} rollup rows",
        flush=True,
    )
    if args.step in ("all", "reads"):
        measure_reads(account, campaign, args.requests)
    if args.step in ("all", "server"):
        measure_server(account, sender, args)
    print(f"machine at the end: {machine_description()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
