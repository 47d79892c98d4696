"""Import benchmark: a 100,000-row CSV through the real import service, against a raw load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaigns_bench_import \\
    .venv/bin/python bench/import_bench.py --rows 100000

- generates a CSV of realistic contacts (phones of ten countries in mixed notations, names,
  emails, tags, and typed columns age / city / vip / signup that become attributes);
- imports it with ``import_run`` (the code the django-q2 task runs: streaming reader, 2,000-row
  chunks, set-based upserts) into an empty bench account: all rows new;
- imports the same file again: all rows are updates;
- measures a raw baseline in the same process: ``csv.reader`` + ``COPY`` of the same rows into
  a table shaped like ``audience_contact`` (same columns and indexes), with no phone
  normalisation, validation, typing or tags.
Prints rows/s, the ratio to the baseline, and peak RSS (``ru_maxrss``) after a 10,000-row warm-up
and after the full file: memory is flat when the second barely exceeds the first.
Target: at least 10,000 rows/s. The database named by DATABASE_URL is created if missing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from common import database_ensure, machine_description  # noqa: E402

ACCOUNT_SLUG = "bench-import"
TARGET_ROWS_PER_SECOND = 10_000
# (calling code, national mobile prefix, digits after the prefix, weight)
PHONES = [
    ("33", "6", 8, 20),
    ("1", "415", 7, 18),
    ("44", "7911", 6, 10),
    ("49", "151", 8, 10),
    ("91", "98", 8, 10),
    ("55", "1198", 7, 8),
    ("34", "6", 8, 8),
    ("52", "155", 7, 6),
    ("234", "803", 7, 5),
    ("81", "90", 8, 5),
]
FIRST = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Tim", "Barbara", "Ken", "Frances", "Dennis"]
LAST = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Lee", "Liskov", "Thompson"]
CITIES = ["Paris", "Lyon", "London", "Berlin", "Mumbai", "São Paulo", "Madrid", "Tokyo"]
TAGS = ["newsletter", "loyal", "vip", "churn-risk", "beta"]


def _setup(media: Path) -> None:
    os.environ["MEDIA_ROOT"] = str(media)
    os.environ["PRIVATE_MEDIA_ROOT"] = str(media.parent / "private")
    database_ensure()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _phone(rng: random.Random) -> str:
    code, prefix, digits, _ = rng.choices(PHONES, weights=[p[3] for p in PHONES])[0]
    number = prefix + "".join(rng.choice("0123456789") for _ in range(digits))
    style = rng.random()
    if style < 0.6:
        return f"+{code}{number}"
    if style < 0.9:
        return f"+{code} {number[:3]} {number[3:6]} {number[6:]}"
    return f"00{code}{number}"


def generate(path: Path, rows: int, *, seed: int = 7) -> int:
    """Write ``rows`` contacts with unique, valid numbers; returns the file's size."""
    from audience.phones import InvalidPhone, phone_normalise

    rng = random.Random(seed)
    seen: set[str] = set()
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["Phone", "First name", "Last name", "Email", "Tags", "Age", "City", "VIP", "Signup"]
        )
        written = 0
        while written < rows:
            raw = _phone(rng)
            try:
                e164 = phone_normalise(raw, region="US")
            except InvalidPhone:
                continue
            if e164 in seen:
                continue
            seen.add(e164)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            tags = ";".join(rng.sample(TAGS, rng.choice([0, 1, 1, 2])))
            writer.writerow(
                [
                    raw,
                    first,
                    last,
                    f"{first}.{last}{written}@example.com".lower(),
                    tags,
                    rng.randint(18, 90),
                    rng.choice(CITIES),
                    rng.choice(["yes", "no"]),
                    f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                ]
            )
            written += 1
    return path.stat().st_size


def _reset(account) -> None:
    from audience.models import AttributeDefinition, Contact, ImportJob, Tag

    Contact.objects.filter(account=account).delete()
    Tag.objects.filter(account=account).delete()
    AttributeDefinition.objects.filter(account=account).delete()
    ImportJob.objects.filter(account=account).delete()


def _import(account, path: Path):
    """Upload and run an import exactly as the page and the task do; returns (job, seconds)."""
    from django.core.files import File

    from audience.services.imports import import_create, import_run

    with open(path, "rb") as f:
        job = import_create(account=account, upload=File(f, name=path.name), queue=False)
    started, cpu = time.perf_counter(), time.process_time()
    job = import_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.cpu_seconds = time.process_time() - cpu
    job.refresh_from_db()
    if job.status != "completed":
        raise SystemExit(f"import {job.pk} ended {job.status}: {job.message}")
    return job, elapsed


def baseline(path: Path, account_id: int) -> float:
    """csv.reader + COPY of the same rows into a copy of the contacts table; returns seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_contact_raw (LIKE audience_contact INCLUDING ALL)"
        )
        copy_sql = (
            "COPY bench_contact_raw (created_at, updated_at, account_id, phone, email, "
            "first_name, last_name, timezone, country, attributes, subscribed) FROM STDIN"
        )
        with open(path, newline="", encoding="utf-8") as f, cursor.cursor.copy(copy_sql) as copy:
            reader = csv.reader(f)
            next(reader)
            for phone, first, last, email, _tags, age, city, vip, signup in reader:
                attributes = json.dumps({"age": age, "city": city, "vip": vip, "signup": signup})
                copy.write_row(
                    (now, now, account_id, phone, email, first, last, "", "", attributes, True)
                )
        cursor.execute("DROP TABLE bench_contact_raw")
    return time.perf_counter() - started


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--warmup-rows", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        tmp_path = Path(tmp)
        _setup(tmp_path / "media")
        from accounts.models import Account
        from audience.models import Contact

        account, _ = Account.objects.get_or_create(
            slug=ACCOUNT_SLUG,
            defaults={"name": "Import bench", "timezone": "UTC", "default_phone_region": "US"},
        )
        small, big = tmp_path / "warmup.csv", tmp_path / "contacts.csv"
        generate(small, args.warmup_rows, seed=1)
        size = generate(big, args.rows, seed=2)
        print(f"machine: {machine_description()}")
        print(f"file: {args.rows:,} rows, {size / 2**20:.1f} MiB")

        _reset(account)
        _import(account, small)
        rss_warm = _peak_rss_mb()
        _reset(account)

        job, seconds = _import(account, big)
        rss_full = _peak_rss_mb()
        created_rate = job.processed / seconds
        count = Contact.objects.filter(account=account).count()
        print(
            f"import (all new):     {created_rate:>9,.0f} rows/s  {seconds:6.2f} s  "
            f"created {job.imported:,}, updated {job.updated:,}, rejected {job.failed:,}; "
            f"{count:,} contacts in the account; Python CPU {job.cpu_seconds:.2f} s "
            f"({job.processed / job.cpu_seconds:,.0f} rows per CPU-second)"
        )
        job2, seconds2 = _import(account, big)
        rss_update = _peak_rss_mb()
        updated_rate = job2.processed / seconds2
        print(
            f"re-import (updates):  {updated_rate:>9,.0f} rows/s  {seconds2:6.2f} s  "
            f"created {job2.imported:,}, updated {job2.updated:,}"
        )
        raw_seconds = baseline(big, account.pk)
        raw_rate = args.rows / raw_seconds
        print(f"raw csv.reader + COPY:{raw_rate:>9,.0f} rows/s  {raw_seconds:6.2f} s (baseline)")
        print(
            f"ratio to baseline:    the import takes {seconds / raw_seconds:.1f}x the raw load's "
            f"time (re-import {seconds2 / raw_seconds:.1f}x)"
        )
        print(
            f"peak RSS: {rss_warm:.0f} MiB after a {args.warmup_rows:,}-row import, "
            f"{rss_full:.0f} MiB after {args.rows:,} rows, {rss_update:.0f} MiB after the re-import"
        )
        ok = created_rate >= TARGET_ROWS_PER_SECOND
        print(
            f"target >= {TARGET_ROWS_PER_SECOND:,} rows/s: "
            f"{'met' if ok else 'NOT met'} ({created_rate:,.0f} rows/s)"
        )
        _reset(account)
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
