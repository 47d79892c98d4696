"""Send times written to recipients (one update per zone), and the django-q2 ``Schedule`` rows
that start runs and keep the pipeline ticking. The time-of-day maths they use (local-time
delivery, quiet hours, daylight saving, recurrence) is in tests/campaigns/test_timing.py."""

import datetime as dt

import pytest
import time_machine
from django_q.models import Schedule

from campaigns.models import Campaign
from delivery import control, prepare, schedules
from delivery.models import Recipient
from tests.factories import CampaignFactory, ContactFactory

UTC = dt.UTC


@pytest.mark.django_db
def test_recipients_get_one_update_per_zone(account, django_assert_max_num_queries):
    # given a local-time campaign with recipients in three zones (and one without a zone)
    campaign = CampaignFactory(
        account=account,
        timezone="UTC",
        local_time_delivery=True,
        delivery_time=dt.time(10, 0),
        quiet_hours_start=dt.time(22, 0),
        quiet_hours_end=dt.time(7, 0),
    )
    zones = ["Europe/Paris"] * 3 + ["America/New_York"] * 2 + ["Asia/Tokyo", ""]
    for zone in zones:
        contact = ContactFactory(account=account, timezone=zone)
        Recipient.objects.create(account=account, campaign=campaign, contact=contact)
    start = dt.datetime(2026, 6, 10, 6, 0, tzinfo=UTC)

    # when send times are set
    with django_assert_max_num_queries(1 + 4):
        prepare.recipients_schedule(campaign=campaign, start=start)

    # then each zone has its own local 10:00
    by_zone = {
        r.contact.timezone: r.send_at
        for r in Recipient.objects.filter(campaign=campaign).select_related("contact")
    }
    assert by_zone["Europe/Paris"] == dt.datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
    assert by_zone["America/New_York"] == dt.datetime(2026, 6, 10, 14, 0, tzinfo=UTC)
    assert by_zone["Asia/Tokyo"] == dt.datetime(2026, 6, 11, 1, 0, tzinfo=UTC)
    assert by_zone[""] == dt.datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # the campaign's zone


@pytest.mark.django_db
def test_without_local_delivery_everyone_gets_the_start_in_one_update(
    account, django_assert_num_queries
):
    campaign = CampaignFactory(account=account)
    for _ in range(3):
        Recipient.objects.create(
            account=account, campaign=campaign, contact=ContactFactory(account=account)
        )
    start = dt.datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
    with django_assert_num_queries(1):
        prepare.recipients_schedule(campaign=campaign, start=start)
    assert set(Recipient.objects.values_list("send_at", flat=True)) == {start}


@pytest.mark.django_db
def test_publishing_a_scheduled_campaign_creates_its_schedule_row(
    account, django_capture_on_commit_callbacks
):
    # given a campaign scheduled for tomorrow 09:00 Paris, for an audience of one
    ContactFactory(account=account)
    with time_machine.travel(dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC), tick=False):
        campaign = CampaignFactory(
            account=account,
            send_now=False,
            start_date=dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC),
            timezone="Europe/Paris",
        )
        # when it is published
        with django_capture_on_commit_callbacks(execute=True):
            control.campaign_publish(campaign=campaign)

    # then a one-off Schedule starts it at its start date, without catch-up replays
    row = Schedule.objects.get(name=f"campaign-{campaign.pk}-run")
    assert campaign.status == Campaign.Status.SCHEDULED
    assert row.func == "delivery.tasks.campaign_run"
    assert row.schedule_type == Schedule.ONCE
    assert row.next_run == dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC)

    # and unscheduling removes it
    control.campaign_unschedule(campaign=campaign)
    assert not Schedule.objects.filter(name=f"campaign-{campaign.pk}-run").exists()


@pytest.mark.django_db
def test_the_tick_and_sweeper_schedules_exist_every_minute():
    schedules.schedules_ensure()
    rows = {s.name: s for s in Schedule.objects.filter(name__startswith="campaigns-")}
    assert rows["campaigns-tick"].func == "delivery.tasks.tick"
    assert rows["campaigns-sweep"].func == "delivery.tasks.sweep"
    assert {r.schedule_type for r in rows.values()} == {Schedule.MINUTES}
    assert {r.minutes for r in rows.values()} == {1}
