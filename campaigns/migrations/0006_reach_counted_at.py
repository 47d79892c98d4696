"""When a campaign's reach was counted, and the periodic refresh of stale counts (a django-q2
Schedule beside the tick and the sweeper; ``scheduling.schedules_ensure`` makes the same row)."""

from django.db import migrations, models
from django.utils import timezone

NAME, FUNC, MINUTES = "campaigns-reach-refresh", "campaigns.tasks.reach_refresh", 1


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": FUNC,
            "schedule_type": "I",
            "minutes": MINUTES,
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_paused_from"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="estimated_reach_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(create, remove),
    ]
