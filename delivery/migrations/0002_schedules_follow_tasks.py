"""The pipeline's django-q2 ``Schedule`` rows name its tasks by path; the tasks moved from
``campaigns.tasks`` to ``delivery.tasks`` (the reach refresh stayed)."""

from django.db import migrations

MOVED = ("tick", "sweep", "campaign_run")


def _rename(apps, old: str, new: str) -> None:
    Schedule = apps.get_model("django_q", "Schedule")
    for name in MOVED:
        Schedule.objects.filter(func=f"{old}.{name}").update(func=f"{new}.{name}")


def forwards(apps, schema_editor):
    _rename(apps, "campaigns.tasks", "delivery.tasks")


def backwards(apps, schema_editor):
    _rename(apps, "delivery.tasks", "campaigns.tasks")


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0001_initial"),
        ("campaigns", "0006_reach_counted_at"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
