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
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from analytics_data import _account, _setup, generate  # noqa: E402
from analytics_reads import measure_reads  # noqa: E402
from analytics_server import measure_server  # noqa: E402
from common import machine_description  # noqa: E402


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
