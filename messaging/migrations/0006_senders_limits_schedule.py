"""The hourly read of WhatsApp senders' tier and quality, as a django-q2 Schedule row."""

from django.db import migrations
from django.utils import timezone

NAME = "messaging-senders-limits"
FUNC = "messaging.tasks.senders_limits_refresh"


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": FUNC,
            "schedule_type": "H",
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )


def remove(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0005_sender_messaging_limit"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
