"""``campaigns.timing``: local-time delivery, quiet hours, daylight saving, recurrence. What
delivery does with these times (recipients' send times, Schedule rows) is in
tests/delivery/test_scheduling.py."""

import datetime as dt
from zoneinfo import ZoneInfo

from campaigns import timing
from campaigns.models import Campaign

UTC = dt.UTC
NY = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")


def test_local_delivery_sends_at_the_delivery_time_in_each_zone():
    # given a run that starts at 06:00 UTC with a 10:00 delivery time
    start = dt.datetime(2026, 6, 10, 6, 0, tzinfo=UTC)

    # when the send time is computed for Paris and New York
    def at(zone):
        return timing.recipient_send_at(
            start=start,
            zone=zone,
            campaign_zone=ZoneInfo("UTC"),
            delivery_time=dt.time(10, 0),
            local_delivery=True,
            quiet_start=None,
            quiet_end=None,
        )

    # then each gets 10:00 on its own clock
    assert at(PARIS) == dt.datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
    assert at(NY) == dt.datetime(2026, 6, 10, 14, 0, tzinfo=UTC)
    # and Tokyo, where 10:00 has already passed at the start, gets it the next day
    assert at(TOKYO) == dt.datetime(2026, 6, 11, 1, 0, tzinfo=UTC)


def test_local_delivery_across_the_spring_forward_switch_keeps_the_wall_clock():
    # given New York switches to summer time on 8 March 2026
    def nine_am(day):
        return timing.recipient_send_at(
            start=dt.datetime(2026, 3, day, 0, 0, tzinfo=UTC),
            zone=NY,
            campaign_zone=ZoneInfo("UTC"),
            delivery_time=dt.time(9, 0),
            local_delivery=True,
            quiet_start=None,
            quiet_end=None,
        )

    # then 09:00 local is 14:00 UTC before the switch and 13:00 UTC after it
    assert nine_am(7) == dt.datetime(2026, 3, 7, 14, 0, tzinfo=UTC)
    assert nine_am(9) == dt.datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    assert nine_am(9).astimezone(NY).hour == 9


def test_a_time_inside_the_dst_gap_lands_just_after_it():
    # 02:30 does not exist in New York on 8 March 2026 (02:00 → 03:00)
    when = timing.wall_clock(dt.date(2026, 3, 8), dt.time(2, 30), NY)
    assert when == dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT
    assert when.astimezone(NY).hour == 3


def test_an_ambiguous_time_at_fall_back_takes_its_first_occurrence():
    # 01:30 happens twice in New York on 1 November 2026
    when = timing.wall_clock(dt.date(2026, 11, 1), dt.time(1, 30), NY)
    assert when == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # EDT, UTC-4


def test_quiet_hours_push_to_the_end_of_the_window():
    # given quiet hours 21:00–08:00 in Paris
    def push(utc_hour, day=10):
        return timing.quiet_hours_push(
            dt.datetime(2026, 6, day, utc_hour, 0, tzinfo=UTC),
            zone=PARIS,
            start=dt.time(21, 0),
            end=dt.time(8, 0),
        )

    # 23:00 Paris (21:00 UTC) → 08:00 next day Paris (06:00 UTC)
    assert push(21) == dt.datetime(2026, 6, 11, 6, 0, tzinfo=UTC)
    # 03:00 Paris (01:00 UTC) → 08:00 the same day
    assert push(1) == dt.datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
    # 12:00 Paris is allowed: unchanged
    assert push(10) == dt.datetime(2026, 6, 10, 10, 0, tzinfo=UTC)


def test_quiet_hours_end_on_the_night_of_the_dst_switch():
    # given quiet hours 22:00–07:00 in Paris, which goes to summer time on 29 March 2026
    pushed = timing.quiet_hours_push(
        dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC),  # 00:00 Paris (CET)
        zone=PARIS,
        start=dt.time(22, 0),
        end=dt.time(7, 0),
    )
    # then the message goes at 07:00 summer time, i.e. 05:00 UTC
    assert pushed == dt.datetime(2026, 3, 29, 5, 0, tzinfo=UTC)
    assert pushed.astimezone(PARIS).hour == 7


def _campaign(**fields):
    defaults = {
        "send_now": False,
        "timezone": "Europe/Paris",
        "delivery_time": dt.time(9, 0),
        "start_date": dt.datetime(2026, 3, 27, 8, 0, tzinfo=UTC),
    }
    defaults.update(fields)
    return Campaign(**defaults)


def test_daily_recurrence_keeps_local_time_across_dst_and_stops_at_end_date():
    # given a daily 09:00 Paris broadcast from 27 March to 31 March 2026
    campaign = _campaign(
        frequency=Campaign.Frequency.DAILY,
        end_date=dt.datetime(2026, 3, 31, 12, 0, tzinfo=UTC),
    )
    # when its runs are listed
    runs = list(timing.occurrences(campaign))
    # then each is 09:00 Paris: 08:00 UTC before the switch, 07:00 UTC after it
    assert [r.astimezone(PARIS).hour for r in runs] == [9, 9, 9, 9, 9]
    assert runs[0] == dt.datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
    assert runs[2] == dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert timing.next_run_at(campaign, after=runs[-1]) is None


def test_weekly_and_monthly_recurrence():
    weekly = _campaign(frequency=Campaign.Frequency.WEEKLY)
    assert timing.next_run_at(
        weekly, after=dt.datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
    ) == dt.datetime(2026, 4, 3, 7, 0, tzinfo=UTC)
    monthly = _campaign(
        frequency=Campaign.Frequency.MONTHLY,
        start_date=dt.datetime(2026, 1, 31, 8, 0, tzinfo=UTC),
    )
    runs = list(timing.occurrences(monthly, limit=3))
    # the 31st becomes the last day of shorter months
    assert [r.date() for r in runs] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]
    assert timing.next_run_at(_campaign(), after=dt.datetime(2026, 1, 1, tzinfo=UTC)) is None
