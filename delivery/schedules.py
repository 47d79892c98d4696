"""The django-q2 ``Schedule`` rows that start runs: each campaign's next run, and the
pipeline's periodic tasks (visible, and editable, in the admin)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.timing import first_run_at

RUN_SCHEDULE = "campaign-{id}-run"
TICK_SCHEDULE = "campaigns-tick"
SWEEP_SCHEDULE = "campaigns-sweep"
REACH_SCHEDULE = "campaigns-reach-refresh"
REACH_MINUTES = 1
CLICKS_SCHEDULE = "campaigns-clicks-drain"


def run_schedule_set(*, campaign: Campaign, at: dt.datetime) -> None:
    """Create or move the campaign's one-off Schedule that starts its next run at ``at``."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=RUN_SCHEDULE.format(id=campaign.pk),
        defaults={
            "func": "delivery.tasks.campaign_run",
            "args": repr((campaign.pk,)),
            "schedule_type": Schedule.ONCE,
            "repeats": -1,
            "next_run": at,
        },
    )


def run_schedule_delete(*, campaign: Campaign) -> None:
    from django_q.models import Schedule

    Schedule.objects.filter(name=RUN_SCHEDULE.format(id=campaign.pk)).delete()


def campaign_schedule(*, campaign: Campaign) -> None:
    """After a move to ``scheduled``: the Schedule row that will start it (after commit)."""
    transaction.on_commit(lambda: run_schedule_set(campaign=campaign, at=first_run_at(campaign)))


def schedules_ensure() -> None:
    """The periodic tasks, every minute: the dispatcher tick, the sweeper, the refresh of
    stale reach and segment counts (``reach.counts_refresh_due``, bounded per run), and the
    click drain (which follows itself up every few seconds while clicks come)."""
    from django_q.models import Schedule

    for name, func, minutes in (
        (TICK_SCHEDULE, "delivery.tasks.tick", 1),
        (SWEEP_SCHEDULE, "delivery.tasks.sweep", 1),
        (REACH_SCHEDULE, "campaigns.tasks.reach_refresh", REACH_MINUTES),
        (CLICKS_SCHEDULE, "delivery.tasks.clicks_drain", 1),
    ):
        Schedule.objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": minutes,
                "repeats": -1,
                "next_run": timezone.now(),
            },
        )
