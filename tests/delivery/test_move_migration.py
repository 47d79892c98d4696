"""The move of recipients, batches and the error log into delivery keeps every row.

Migrates a real database back to before the move, writes rows through the old app's
historical models, migrates forward and reads them through the new ones: same tables, same
rows, the event still pointing at its recipient, permissions and Schedule rows following.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("campaigns", "0009_recipient_error_title"),
    ("analytics", "0001_initial"),
    ("delivery", None),
]
AFTER = [
    ("campaigns", "0010_delivery_models_moved"),
    ("analytics", "0002_alter_event_recipient"),
    ("delivery", "0002_schedules_follow_tasks"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    moved = {app for app, _ in targets}
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] not in moved]
    return executor.loader.project_state([*others, *(n for n in targets if n[1])]).apps


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_rows_permissions_and_schedules_survive_the_move():
    # given: the database as it was, with a recipient, an error-log row, an event on the
    # recipient, a group allowed to view recipients and the tick's Schedule
    old = _migrate(BEFORE)
    try:
        account = old.get_model("accounts", "Account").objects.create(name="Move", slug="move")
        campaign = old.get_model("campaigns", "Campaign").objects.create(
            account=account, name="Before the move"
        )
        contact = old.get_model("audience", "Contact").objects.create(
            account=account, phone="+14155550100"
        )
        recipient = old.get_model("campaigns", "Recipient").objects.create(
            account=account,
            campaign=campaign,
            contact=contact,
            status="sent",
            provider_message_id="wamid.MOVED",
        )
        old.get_model("campaigns", "CampaignError").objects.create(
            campaign=campaign, error_type="131026", count=3, timestamp=timezone.now()
        )
        old.get_model("analytics", "Event").objects.create(
            account=account,
            campaign=campaign,
            recipient=recipient,
            contact=contact,
            type="sent",
            occurred_at=timezone.now(),
        )
        ContentType = old.get_model("contenttypes", "ContentType")
        Permission = old.get_model("auth", "Permission")
        ct, _ = ContentType.objects.get_or_create(app_label="campaigns", model="recipient")
        view, _ = Permission.objects.get_or_create(
            content_type=ct, codename="view_recipient", defaults={"name": "Can view recipient"}
        )
        group = old.get_model("auth", "Group").objects.create(name="ops")
        group.permissions.add(view)
        old.get_model("django_q", "Schedule").objects.update_or_create(
            name="campaigns-tick", defaults={"func": "campaigns.tasks.tick", "minutes": 1}
        )

        # when
        new = _migrate(AFTER)

        # then
        moved = new.get_model("delivery", "Recipient").objects.get(pk=recipient.pk)
        assert (moved.status, moved.provider_message_id, moved.campaign_id) == (
            "sent",
            "wamid.MOVED",
            campaign.pk,
        )
        errors = new.get_model("delivery", "CampaignError").objects.get(campaign_id=campaign.pk)
        assert (errors.error_type, errors.count) == ("131026", 3)
        event = new.get_model("analytics", "Event").objects.get(campaign_id=campaign.pk)
        assert event.recipient_id == recipient.pk
        labels = set(
            new.get_model("auth", "Group")
            .objects.get(name="ops")
            .permissions.values_list("content_type__app_label", "codename")
        )
        assert labels == {("delivery", "view_recipient")}
        tick = new.get_model("django_q", "Schedule").objects.get(name="campaigns-tick")
        assert tick.func == "delivery.tasks.tick"
    finally:
        # back to the latest state: every migration made since the move too
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
