"""Every existing account gets the default message prices (new ones get them when created,
through ``accounts.services.account_setup``)."""

from django.db import migrations

from analytics.price_defaults import default_prices


def seed(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    MessagePrice = apps.get_model("analytics", "MessagePrice")
    for account in Account.objects.all().iterator():
        have = set(
            MessagePrice.objects.filter(account=account).values_list(
                "channel", "category", "country"
            )
        )
        MessagePrice.objects.bulk_create(
            MessagePrice(
                account=account,
                channel=row.channel,
                category=row.category,
                country=row.country,
                price=row.price,
            )
            for row in default_prices(account.currency)
            if (row.channel, row.category, row.country) not in have
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_account_attribution_windows"),
        ("analytics", "0005_conversions_and_prices"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
