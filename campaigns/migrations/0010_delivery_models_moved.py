"""Recipient, SendBatch and CampaignError now belong to ``delivery`` (see its 0001): removed from
this app's state only; their tables stay, owned by the models there."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0009_recipient_error_title"),
        ("delivery", "0001_initial"),
        ("analytics", "0002_alter_event_recipient"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CampaignError"),
                migrations.DeleteModel(name="Recipient"),
                migrations.DeleteModel(name="SendBatch"),
            ],
            database_operations=[],
        ),
    ]
