"""The account's message price table: seeding a new account, and reading a price.

A message's price is looked up by (channel, category, country), falling back to the row for
every other country (""). An account that has no rows at all (made before this table, or by a
path that skipped ``account_setup``) is costed with the seeded defaults, so its campaigns never
show a cost of zero by accident.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.models import Account
from analytics.models import MessagePrice
from analytics.price_defaults import default_prices

# (channel, category, country) -> price
PriceTable = dict[tuple[str, str, str], Decimal]


@transaction.atomic
def prices_seed(account: Account) -> int:
    """Add the default rows the account lacks (an edited row is kept); answers how many."""
    have = set(
        MessagePrice.objects.for_account(account).values_list("channel", "category", "country")
    )
    rows = [
        MessagePrice(
            account=account,
            channel=row.channel,
            category=row.category,
            country=row.country,
            price=row.price,
        )
        for row in default_prices(account.currency)
        if (row.channel, row.category, row.country) not in have
    ]
    MessagePrice.objects.bulk_create(rows)
    return len(rows)


def price_table(account: Account) -> PriceTable:
    rows = MessagePrice.objects.for_account(account).values_list(
        "channel", "category", "country", "price"
    )
    table = {(channel, category, country): price for channel, category, country, price in rows}
    if not table:
        table = {
            (r.channel, r.category, r.country): r.price for r in default_prices(account.currency)
        }
    return table


def price_for(table: PriceTable, *, channel: str, category: str, country: str) -> Decimal:
    """The price of one message to ``country``; the "every other country" row when the country
    has none; zero when the channel has neither."""
    price = table.get((channel, category, country))
    if price is None:
        price = table.get((channel, category, ""))
    return price if price is not None else Decimal("0")


@transaction.atomic
def prices_update(
    *, account: Account, changed: list[MessagePrice], deleted: list[MessagePrice]
) -> None:
    """Save the edited and new rows of the account's table and remove the deleted ones; a row
    of another account is never touched."""
    rows = MessagePrice.objects.for_account(account)
    rows.filter(pk__in=[row.pk for row in deleted if row.pk]).delete()
    for row in changed:
        if row.pk is None:
            row.account = account
            row.save()
        else:
            rows.filter(pk=row.pk).update(
                channel=row.channel, category=row.category, country=row.country, price=row.price
            )
