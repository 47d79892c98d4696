"""The analytics bench's data: one account, 1,000,000 contacts and recipients, ~3,000,000 events
made inside PostgreSQL, and their rollups built by the product's writer (timed). Kept by a
marker on the campaign for the next runs."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from audience_bench import COUNTRIES  # noqa: E402
from common import database_ensure  # noqa: E402

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
