"""Reports kept between requests, and thrown away by the next change to what they read.

A report reads ~4,000 rollup rows and turns them into a page's worth of series (40–60 ms at a
million recipients); a finished campaign's report never changes, and a live one's changes
with each batch of events. So a report is kept in the cache under a key made of everything
it is computed from:

- the campaign's ``analytics_stamp``, which the rollup writer draws again with every batch
  it adds (in the batch's transaction: a report of the rows before it is never read again);
- the campaign's and its account's rows as they are now (``updated_at``, the account's
  currency and time zone);
- the account's price table as it is now (one small query: edits by the page, the admin or a
  script are all seen);
- the filters, and ``SHAPE`` (moved on when the report's fields change).

A kept report is the report the same request would compute; what changes is only the time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from analytics.money import campaign_money
from analytics.pricing import price_table
from analytics.report import Filters, Report, campaign_report
from campaigns.models import Campaign
from delivery.ports import MoneyFigures

T = TypeVar("T")

SHAPE = 1
# A key is never read after its inputs change; this only bounds how long a report nobody
# asks for again takes room.
KEEP_SECONDS = 24 * 3600


def report_key(campaign: Campaign, filters: Filters, part: str) -> str:
    account = campaign.account
    inputs = (
        SHAPE,
        campaign.pk,
        campaign.created_at,
        campaign.updated_at,
        campaign.analytics_stamp,
        campaign.total_recipients,
        account.pk,
        account.updated_at,
        account.currency,
        account.timezone,
        sorted(price_table(account).items()),
        filters.since,
        filters.until,
        filters.variant,
    )
    digest = hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()
    return f"analytics:{part}:{campaign.pk}:{digest}"


def kept(campaign: Campaign, filters: Filters, part: str, build: Callable[[], T]) -> T:
    """``build()``'s answer for this campaign and these filters, computed once per change of
    what it reads. ``part`` names what is kept (the report, its JSON, the stats' money)."""
    key = report_key(campaign, filters, part)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, KEEP_SECONDS)
    return value


def report_kept(campaign: Campaign, filters: Filters | None = None) -> Report:
    """``campaign_report``, kept."""
    filters = filters or Filters()
    return kept(
        campaign, filters, "report", lambda: campaign_report(campaign=campaign, filters=filters)
    )


def money_figures_kept(campaign: Campaign) -> MoneyFigures:
    """The campaign's cost and revenue as the stats answer them (delivery's port), kept like
    the report: three queries fewer on each ``/stats``."""
    return kept(campaign, Filters(), "money", lambda: _money_figures(campaign))


def _money_figures(campaign: Campaign) -> MoneyFigures:
    money = campaign_money(campaign)
    return {
        "cost": float(money.cost),
        "revenue": float(money.revenue),
        "roi": float(money.roi) if money.roi is not None else None,
        "revenuePerRecipient": (
            float(money.revenue_per_recipient) if money.revenue_per_recipient is not None else None
        ),
        "currency": money.currency,
    }
