"""What every benchmark shares: its PostgreSQL database and a line describing the machine.

The figures are only worth the machine they ran on, so each script prints the same line,
which bench/README.md copies next to the figures.
"""

from __future__ import annotations

import os
import platform


def database_ensure() -> None:
    """Create the PostgreSQL database DATABASE_URL names, if missing; refuse other engines."""
    import dj_database_url
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {"ENGINE": ""}
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit("The benchmarks measure PostgreSQL: set DATABASE_URL (postgres://).")
    dsn = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**dsn) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (config["NAME"],)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def machine_description() -> str:
    """CPU count, memory, PostgreSQL and Python versions and the load average, on one line."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, "
        f"PostgreSQL {postgres}, Python {platform.python_version()}, load average {load}"
    )
