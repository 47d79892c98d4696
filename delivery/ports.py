"""What delivery asks of the apps above it, without importing them (see ``core.ports``).

The stats a campaign answers include what it cost and earned; analytics owns the price table
and the conversions, and registers the answer in its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from core.ports import Port

if TYPE_CHECKING:
    from campaigns.models import Campaign


class MoneyFigures(TypedDict):
    """A campaign's cost and revenue in the account's currency, as the stats answer them."""

    cost: float
    revenue: float
    roi: float | None  # (revenue - cost) / cost; None while nothing cost anything
    revenuePerRecipient: float | None
    currency: str


campaign_money: Port[Callable[[Campaign], MoneyFigures]] = Port(
    "a campaign's cost and revenue", owner="analytics"
)
