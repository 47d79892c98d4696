"""Audience benchmark: reach estimate and materialisation against hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaigns_bench_audience \\
    .venv/bin/python bench/audience_bench.py --contacts 1000000

Steps (``generate`` and ``measure`` can be run alone; the default runs both):
- generate: N contacts for a bench account, made inside PostgreSQL with ``generate_series``
  (countries and time zones weighted like a real list, E.164 phones, typed attributes
  age / plan / city / vip / last_order, five tags on about 0.7 tags per contact), then
  ``VACUUM ANALYZE``. Skipped when the account already has N contacts.
- measure (a): the reach estimate of a 3-rule segment with a nested group
  (``country in FR, DE`` and (``age >= 40`` or ``tags has any vip``)), through the API's
  ``audience_estimate`` (unsubscribed and suppressed contacts excluded), against the same
  count written by hand; median of several warm runs each. Targets: under 300 ms, within 1.5x.
- measure (b): ``recipients_materialise`` of a campaign with that segment against a
  hand-written ``INSERT … SELECT`` of the same rows. Target: within 2x.

The database named by DATABASE_URL is created if missing and migrated.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from common import database_ensure, machine_description  # noqa: E402

ACCOUNT_SLUG = "bench-audience"
SEGMENT = {
    "op": "and",
    "rules": [
        {"field": "country", "operator": "in", "value": ["FR", "DE"]},
        {
            "op": "or",
            "rules": [
                {"field": "attributes.age", "operator": "gte", "value": 40},
                {"field": "tags", "operator": "has_any", "value": ["vip"]},
            ],
        },
    ],
}

# (country, calling code, time zone, weight out of 100)
COUNTRIES = [
    ("US", "1", "America/New_York", 18),
    ("FR", "33", "Europe/Paris", 16),
    ("GB", "44", "Europe/London", 10),
    ("DE", "49", "Europe/Berlin", 10),
    ("IN", "91", "Asia/Kolkata", 12),
    ("BR", "55", "America/Sao_Paulo", 10),
    ("ES", "34", "Europe/Madrid", 8),
    ("MX", "52", "America/Mexico_City", 6),
    ("NG", "234", "Africa/Lagos", 5),
    ("JP", "81", "Asia/Tokyo", 5),
]
# (tag, per-mille of contacts that carry it)
TAGS = [("newsletter", 400), ("loyal", 150), ("churn-risk", 100), ("vip", 50), ("beta", 30)]
CITIES = {
    "US": ["New York", "Boston"],
    "FR": ["Paris", "Lyon", "Lille"],
    "GB": ["London", "Leeds"],
    "DE": ["Berlin", "Munich"],
    "IN": ["Mumbai", "Delhi"],
    "BR": ["São Paulo", "Rio"],
    "ES": ["Madrid", "Sevilla"],
    "MX": ["CDMX", "Monterrey"],
    "NG": ["Lagos", "Abuja"],
    "JP": ["Tokyo", "Osaka"],
}


def _setup() -> None:
    database_ensure()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _account():
    from accounts.models import Account
    from audience.models import AttributeDefinition, Tag

    account, _ = Account.objects.get_or_create(
        slug=ACCOUNT_SLUG, defaults={"name": "Audience bench", "timezone": "Europe/Paris"}
    )
    for key, kind in (
        ("age", "number"),
        ("plan", "text"),
        ("city", "text"),
        ("vip", "boolean"),
        ("last_order", "date"),
    ):
        AttributeDefinition.objects.get_or_create(
            account=account, key=key, defaults={"label": key.replace("_", " "), "type": kind}
        )
    for name, _ in TAGS:
        Tag.objects.get_or_create(account=account, name=name)
    return account


def _values(rows) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        return ", ".join(
            cursor.mogrify("(" + ", ".join(["%s"] * len(row)) + ")", row) for row in rows
        )


def _contact_defaults(given: set[str]) -> dict[str, object]:
    """The contact's other NOT NULL columns and the value each gets from its model default.

    Django keeps field defaults in Python, not in the table, so the raw INSERT below has to
    name every NOT NULL column; one added to Contact later gets its default here instead of
    failing the bench on its constraint (as ``email_bounce_reason`` did).
    """
    from audience.models import Contact

    return {
        field.column: field.get_default()
        for field in Contact._meta.concrete_fields
        if not (field.null or field.primary_key or field.column in given)
    }


def generate(account, count: int) -> None:
    from django.db import connection

    from audience.models import Contact

    if Contact.objects.for_account(account).count() == count:
        print(f"generate: the bench account already has {count:,} contacts; kept")
        return
    started = time.perf_counter()
    bands, low = [], 0
    for i, (country, code, zone, weight) in enumerate(COUNTRIES):
        cities = "{" + ",".join(f'"{c}"' for c in CITIES[country]) + "}"
        bands.append((i, country, code, zone, low, low + weight, cities))
        low += weight
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM campaigns_recipient WHERE account_id = %s", [account.pk])
        cursor.execute(
            "DELETE FROM audience_contact_tags WHERE contact_id IN "
            "(SELECT id FROM audience_contact WHERE account_id = %s)",
            [account.pk],
        )
        cursor.execute("DELETE FROM audience_contact WHERE account_id = %s", [account.pk])
        columns = ["account_id", "phone", "email", "first_name", "last_name", "timezone"]
        columns += ["country", "attributes", "subscribed", "created_at", "updated_at"]
        defaults = _contact_defaults(set(columns))
        # h: a cheap per-row hash, so attributes do not line up with the country bands.
        cursor.execute(
            f"""
            WITH bands(i, country, code, zone, lo, hi, cities) AS (VALUES {_values(bands)})
            INSERT INTO audience_contact ({", ".join(columns + list(defaults))})
            SELECT %(account)s,
                '+' || b.code || lpad(g::text, 10, '0'),
                'user' || g || '@example.com',
                (ARRAY['Ada','Bruno','Chloé','Dev','Elena','Femi','Grace','Hiro','Inès','Jon'])
                    [1 + (h %% 10)],
                (ARRAY['Martin','Smith','Müller','Sharma','Silva','García','Okafor','Sato',
                    'Dupont','Brown'])[1 + ((h / 10) %% 10)],
                b.zone, b.country,
                jsonb_build_object(
                    'age', 18 + (h / 100) %% 60,
                    'plan', (ARRAY['free','free','pro','team'])[1 + (h / 7) %% 4],
                    'city', (b.cities::text[])[1 + (h / 3) %% cardinality(b.cities::text[])],
                    'vip', (h / 13) %% 20 = 0,
                    'last_order', to_char(DATE '2025-06-01' - ((h / 11) %% 700)::int,
                        'YYYY-MM-DD')
                ),
                (h / 17) %% 25 <> 0,
                now() - ((h / 19) %% 1000) * interval '1 day',
                now()
                {"".join(f", %(default_{column})s" for column in defaults)}
            FROM generate_series(1, %(count)s) AS g
            CROSS JOIN LATERAL (SELECT (g::bigint * 2654435761) %% 4294967296 AS h) AS hashed
            JOIN bands b ON (g %% 100) >= b.lo AND (g %% 100) < b.hi
            """,
            {
                "account": account.pk,
                "count": count,
                **{f"default_{column}": value for column, value in defaults.items()},
            },
        )
        tag_rates = _values(TAGS)
        cursor.execute(
            f"""
            WITH rates(name, per_mille) AS (VALUES {tag_rates})
            INSERT INTO audience_contact_tags (contact_id, tag_id)
            SELECT c.id, t.id
            FROM audience_contact c
            JOIN audience_tag t ON t.account_id = c.account_id
            JOIN rates r ON r.name = t.name
            WHERE c.account_id = %s
              AND ((c.id::bigint * 2654435761 + t.id * 97) %% 1000) < r.per_mille
            """,
            [account.pk],
        )
        # A few suppressed numbers, as a real account has.
        cursor.execute(
            "INSERT INTO audience_suppressionentry (account_id, phone, reason, created_at,"
            " updated_at) SELECT account_id, phone, 'bench', now(), now() FROM audience_contact"
            " WHERE account_id = %s AND id %% 997 = 0 ON CONFLICT DO NOTHING",
            [account.pk],
        )
    connection.close()
    with connection.cursor() as cursor:
        for table in ("audience_contact", "audience_contact_tags", "audience_suppressionentry"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"generate: {count:,} contacts in {time.perf_counter() - started:.1f} s")


HAND_WHERE = """
    c.account_id = %(account)s
    AND c.country IN ('FR', 'DE')
    AND ((c.attributes ->> 'age')::numeric >= 40
         OR EXISTS (SELECT 1 FROM audience_contact_tags ct
                    JOIN audience_tag t ON t.id = ct.tag_id
                    WHERE ct.contact_id = c.id AND t.name = 'vip'))
    AND c.subscribed
    AND NOT EXISTS (SELECT 1 FROM audience_suppressionentry s
                    WHERE s.account_id = c.account_id AND s.phone = c.phone)
    AND NOT EXISTS (SELECT 1 FROM audience_suppressionentry s
                    WHERE s.account_id = c.account_id AND s.email = lower(c.email))
"""


def _median_ms(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm caches and plans
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def measure_estimate(account, segment, repeat: int) -> dict:
    from django.db import connection

    from audience.selectors import audience_estimate, without_jit

    def ours():
        return audience_estimate(
            account=account, audience={"type": "segment", "segmentIds": [segment.pk]}
        )

    def hand_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM audience_contact c WHERE {HAND_WHERE}",
                {"account": account.pk},
            )
            return cursor.fetchone()[0]

    def hand():
        # The same session settings as ours (JIT off), so the SQL alone is compared.
        with without_jit():
            return hand_sql()

    ours_ms, ours_count = _median_ms(ours, repeat)
    hand_ms, hand_count = _median_ms(hand, repeat)
    hand_jit_ms, _ = _median_ms(hand_sql, max(3, repeat // 2))
    assert ours_count == hand_count, (ours_count, hand_count)
    return {
        "count": ours_count,
        "ours_ms": ours_ms,
        "hand_ms": hand_ms,
        "hand_jit_ms": hand_jit_ms,
    }


def _recipient_columns():
    """NOT NULL recipient columns and the literal the hand-written INSERT gives each."""
    from delivery.models import Recipient

    columns = []
    for field in Recipient._meta.concrete_fields:
        if field.primary_key or (
            field.null and field.name not in ("account", "campaign", "contact")
        ):
            continue
        columns.append(field)
    return columns


def measure_materialise(account, segment, repeat: int) -> dict:
    from django.db import connection, transaction

    from audience.selectors import without_jit
    from campaigns.models import Campaign
    from delivery.prepare import recipients_materialise

    Campaign.objects.filter(account=account).delete()
    campaign = Campaign.objects.create(
        account=account, name="Bench", audience_type=Campaign.AudienceType.SEGMENT
    )
    campaign.segments.add(segment)

    names, values = [], []
    for field in _recipient_columns():
        names.append(field.column)
        special = {
            "account": "c.account_id",
            "campaign": "%(campaign)s",
            "contact": "c.id",
            "status": "'pending'",
            "created_at": "now()",
        }
        if field.name in special:
            values.append(special[field.name])
        else:
            default = field.get_default()
            values.append(str(default) if isinstance(default, int) else f"'{default}'")
    hand_sql = (
        f"INSERT INTO campaigns_recipient ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM audience_contact c WHERE {HAND_WHERE} "
        "ON CONFLICT (campaign_id, contact_id) WHERE enrollment_id IS NULL DO NOTHING"
    )

    def clear():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM campaigns_recipient WHERE campaign_id = %s", [campaign.pk])
            cursor.execute("VACUUM campaigns_recipient")

    def ours():
        return recipients_materialise(campaign=campaign)

    def hand():
        with transaction.atomic(), without_jit(), connection.cursor() as cursor:
            cursor.execute(hand_sql, {"account": account.pk, "campaign": campaign.pk})
            return cursor.rowcount

    ours_times, hand_times, counts = [], [], set()
    for _ in range(repeat):
        for label, fn, times in (("ours", ours, ours_times), ("hand", hand, hand_times)):
            clear()
            started = time.perf_counter()
            counts.add((label, fn()))
            times.append((time.perf_counter() - started) * 1000)
    clear()
    inserted = {n for _, n in counts}
    assert len(inserted) == 1, counts
    return {
        "count": inserted.pop(),
        "ours_ms": statistics.median(ours_times),
        "hand_ms": statistics.median(hand_times),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", nargs="?", choices=["all", "generate", "measure"], default="all")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per query (median)")
    args = parser.parse_args(argv)

    _setup()
    from audience.models import Segment

    account = _account()
    if args.step in ("all", "generate"):
        generate(account, args.contacts)
    if args.step == "generate":
        return 0
    segment, _ = Segment.objects.update_or_create(
        account=account, name="FR/DE, 40+ or VIP", defaults={"filters": SEGMENT}
    )
    contacts = account.contacts.count()
    print(f"machine: {machine_description()}")
    print(f"contacts: {contacts:,}")

    est = measure_estimate(account, segment, args.repeat)
    ratio = est["ours_ms"] / est["hand_ms"]
    print(
        f"(a) reach estimate: {est['count']:,} contacts; ours {est['ours_ms']:.1f} ms, "
        f"hand SQL {est['hand_ms']:.1f} ms, ratio {ratio:.2f}x "
        f"(targets < 300 ms: {'met' if est['ours_ms'] < 300 else 'MISSED'}, "
        f"<= 1.5x: {'met' if ratio <= 1.5 else 'MISSED'})"
    )
    print(f"    (hand SQL with the server's default JIT settings: {est['hand_jit_ms']:.1f} ms)")
    mat = measure_materialise(account, segment, max(3, args.repeat // 2))
    ratio = mat["ours_ms"] / mat["hand_ms"]
    print(
        f"(b) materialise: {mat['count']:,} recipients; ours {mat['ours_ms']:.1f} ms, "
        f"hand INSERT … SELECT {mat['hand_ms']:.1f} ms, ratio {ratio:.2f}x "
        f"(target <= 2x: {'met' if ratio <= 2 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
