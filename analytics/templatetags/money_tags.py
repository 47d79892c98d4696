"""``{% campaign_money campaign as money %}``: a campaign's cost, revenue and ROI for the pages
that show its stats (``analytics.money``), and the filters that print them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from analytics.money import Money, campaign_money
from campaigns.models import Campaign

register = template.Library()

CENT = Decimal("0.01")


@register.simple_tag
def campaign_money_of(campaign: Campaign) -> Money:
    return campaign_money(campaign)


@register.filter
def amount(value: Decimal | None, currency: str = "") -> str:
    """``1234.5`` → ``1,234.50 EUR``; a dash for no value."""
    if value is None:
        return "–"
    text = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,}"
    return f"{text} {currency}".strip()


@register.filter
def roi_percent(value: Decimal | None) -> str:
    """An ROI ratio as a percentage (``1.5`` → ``+150.0%``); a dash without a cost."""
    if value is None:
        return "–"
    return f"{value * 100:+.1f}%"
