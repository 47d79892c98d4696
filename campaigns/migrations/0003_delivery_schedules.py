"""The send pipeline's periodic tasks as django-q2 Schedule rows (visible in the admin)."""

from django.db import migrations
from django.utils import timezone

SCHEDULES = (
    ("campaigns-tick", "campaigns.tasks.tick"),
    ("campaigns-sweep", "campaigns.tasks.sweep"),
)


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func in SCHEDULES:
        Schedule.objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": "I",
                "minutes": 1,
                "repeats": -1,
                "next_run": timezone.now(),
            },
        )


def remove(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[name for name, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_campaign_prepared_at_campaign_run_count_and_more"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
