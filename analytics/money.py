"""What a campaign cost and earned: cost from the messages sent by country (the rollups'
``country`` dimension) priced by the account's table, revenue from the attributed
conversions (the rollups' ``converted`` value), and the ROI between them.

Exact: every figure is a ``Decimal``; nothing passes through a float. Cost keeps the price
table's five decimals; the ROI and the revenue per recipient are rounded to four.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Sum

from accounts.models import Account
from analytics.models import MessagePrice, Rollup
from analytics.pricing import PriceTable, price_for, price_table
from analytics.rollups import Cells, Dim, Kind, rollup_by, rollup_values
from campaigns.models import Campaign, Variant

ZERO = Decimal("0")
RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Money:
    cost: Decimal
    revenue: Decimal
    roi: Decimal | None  # (revenue - cost) / cost; None while nothing cost anything
    revenue_per_recipient: Decimal | None  # revenue / recipients; None without recipients
    sent: int
    currency: str


def pricing_key(
    *, sender_channel: str | None, message_type: str, template_category: str | None
) -> tuple[str, str]:
    """The (channel, category) a campaign's messages are priced at.

    WhatsApp bills a business-initiated message by its template's category; a campaign of
    free-form messages is priced as marketing (a campaign is not a reply in an open service
    window). The sandbox stands in for WhatsApp, so the demo shows what a real send costs."""
    channel = sender_channel or MessagePrice.Channel.WHATSAPP.value
    if channel in (MessagePrice.Channel.SMS, MessagePrice.Channel.EMAIL):
        return channel, ""
    category = MessagePrice.Category.MARKETING.value
    if message_type == Campaign.MessageType.TEMPLATE and template_category:
        category = template_category
    return MessagePrice.Channel.WHATSAPP.value, category


def campaign_channel(campaign: Campaign) -> tuple[str, str]:
    return pricing_key(
        sender_channel=campaign.sender.channel if campaign.sender else None,
        message_type=campaign.message_type,
        template_category=campaign.template.category if campaign.template else None,
    )


def campaigns_cost(
    *,
    account: Account,
    campaign_ids: Collection[int],
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[int, Decimal]:
    """Each campaign's cost over the period, for a list of the account's campaigns: two
    queries whatever their number (their sends by country with their pricing keys, and the
    price table)."""
    cells = Rollup.objects.filter(
        campaign__account=account,
        campaign_id__in=campaign_ids,
        dimension=Dim.COUNTRY,
        kind=Kind.SENT,
    )
    if since is not None:
        cells = cells.filter(day__gte=since)
    if until is not None:
        cells = cells.filter(day__lte=until)
    rows = (
        cells.order_by()
        .values_list(
            "campaign_id",
            "campaign__sender__channel",
            "campaign__message_type",
            "campaign__template__category",
            "key",
        )
        .annotate(n=Sum("count"))
    )
    cost = dict.fromkeys(campaign_ids, ZERO)
    table: PriceTable | None = None
    for pk, sender_channel, message_type, template_category, country, n in rows:
        table = table if table is not None else price_table(account)
        channel, category = pricing_key(
            sender_channel=sender_channel,
            message_type=message_type,
            template_category=template_category,
        )
        cost[pk] += int(n) * price_for(table, channel=channel, category=category, country=country)
    return cost


def recipients_in_scope(
    campaign: Campaign, *, variant: str | None = None, variants: list[Variant] | None = None
) -> int:
    """The campaign's recipients, or a variant's ("" : those without a variant), from the
    counters kept at materialisation: no row is counted. ``variants``: the campaign's, when
    the caller has them."""
    if variant is None:
        return campaign.total_recipients
    if variants is None:
        variants = list(campaign.variants.all())
    if variant == "":
        return campaign.total_recipients - sum(v.recipients_total for v in variants)
    return next((v.recipients_total for v in variants if v.key == variant), 0)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole).quantize(RATIO, rounding=ROUND_HALF_EVEN)


def campaign_money(
    campaign: Campaign,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    variant: str | None = None,
    cells: Cells | None = None,
    recipients: int | None = None,
) -> Money:
    """Cost, revenue and ROI over the period (UTC days, inclusive) and variant; from
    ``cells`` when the caller has read them (a report), else in two queries."""
    channel, category = campaign_channel(campaign)
    table = price_table(campaign.account)
    cost = ZERO
    sent = 0
    if cells is not None:
        by_country = cells.by(Dim.COUNTRY, variant)
        values = cells.values(variant)
    else:
        by_country = rollup_by(campaign, Dim.COUNTRY, since=since, until=until, variant=variant)
        values = rollup_values(campaign, since=since, until=until, variant=variant)
    for country, counts in by_country.items():
        n = int(counts.get(Kind.SENT, 0))
        sent += n
        cost += n * price_for(table, channel=channel, category=category, country=country)
    revenue = values.get(Kind.CONVERTED, ZERO)
    return Money(
        cost=cost,
        revenue=revenue,
        roi=_ratio(revenue - cost, cost),
        revenue_per_recipient=_ratio(
            revenue,
            Decimal(
                recipients
                if recipients is not None
                else recipients_in_scope(campaign, variant=variant)
            ),
        ),
        sent=sent,
        currency=campaign.account.currency,
    )
