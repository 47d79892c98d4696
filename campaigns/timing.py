"""When each recipient gets its message, and the django-q2 ``Schedule`` rows that start runs.

Time-of-day rules (local-time delivery, quiet hours, recurrence) are computed on wall-clock
dates with ``zoneinfo`` and turned into UTC instants only at the end, so a daylight-saving
switch moves the UTC instant, never the local time a person sees. A local time that does not
exist (the spring-forward gap) lands just after the gap; an ambiguous one (fall back) takes
its first occurrence.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from campaigns.models import Campaign

UTC = dt.UTC


def zone_of(name: str, default: str = "UTC") -> ZoneInfo:
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def wall_clock(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """``day`` at ``at`` in ``zone`` as a UTC instant (gap → after it; overlap → first)."""
    naive = dt.datetime.combine(day, at.replace(tzinfo=None))
    local = naive.replace(tzinfo=zone, fold=0)
    instant = local.astimezone(UTC)
    # A time inside a spring-forward gap does not round-trip; fold=0 already maps it to the
    # instant the same distance past the gap's start, i.e. the first valid minute after it.
    return instant


def _in_quiet(t: dt.time, start: dt.time, end: dt.time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end  # the window wraps midnight


def quiet_hours_push(
    instant: dt.datetime, *, zone: ZoneInfo, start: dt.time | None, end: dt.time | None
) -> dt.datetime:
    """The first minute at or after ``instant`` outside the quiet window, in ``zone``."""
    if start is None or end is None or start == end:
        return instant
    local = instant.astimezone(zone)
    t = local.time().replace(tzinfo=None)
    if not _in_quiet(t, start, end):
        return instant
    day = local.date()
    if start > end and t >= start:
        day += dt.timedelta(days=1)
    return max(instant, wall_clock(day, end, zone))


def recipient_send_at(
    *,
    start: dt.datetime,
    zone: ZoneInfo,
    campaign_zone: ZoneInfo,
    delivery_time: dt.time | None,
    local_delivery: bool,
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
) -> dt.datetime:
    """The send time for a recipient in ``zone`` of a run that starts at ``start``.

    Local-time delivery sends at the delivery time (or the start's time of day in the
    campaign's zone) on the run's date in the recipient's own zone; where that moment has
    already passed when the run starts, it is the next day there.
    """
    when = start
    if local_delivery:
        start_local = start.astimezone(campaign_zone)
        at = delivery_time or start_local.time().replace(tzinfo=None)
        when = wall_clock(start_local.date(), at, zone)
        if when < start:
            when = wall_clock(start_local.date() + dt.timedelta(days=1), at, zone)
    return quiet_hours_push(when, zone=zone, start=quiet_start, end=quiet_end)


# Recurrence ---------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int, anchor_day: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def occurrences(campaign: Campaign, *, limit: int = 1000) -> Iterator[dt.datetime]:
    """The recurring campaign's run instants, in order, from its start until its end date."""
    zone = zone_of(campaign.timezone)
    start = campaign.start_date or campaign.started_at or timezone.now()
    at = campaign.delivery_time or start.astimezone(zone).time().replace(tzinfo=None)
    first_day = start.astimezone(zone).date()
    for i in range(limit):
        if campaign.frequency == Campaign.Frequency.DAILY:
            day = first_day + dt.timedelta(days=i)
        elif campaign.frequency == Campaign.Frequency.WEEKLY:
            day = first_day + dt.timedelta(weeks=i)
        elif campaign.frequency == Campaign.Frequency.MONTHLY:
            day = _add_months(first_day, i, first_day.day)
        else:
            return
        when = wall_clock(day, at, zone)
        if campaign.end_date and when > campaign.end_date:
            return
        yield when


def next_run_at(campaign: Campaign, *, after: dt.datetime) -> dt.datetime | None:
    """The first run strictly after ``after``, or None when the series is over (or once)."""
    if campaign.frequency == Campaign.Frequency.ONCE:
        return None
    for when in occurrences(campaign):
        if when > after:
            return when
    return None


def first_run_at(campaign: Campaign) -> dt.datetime:
    """When a scheduled campaign's first run starts: its start date, or its first occurrence."""
    start = campaign.start_date or timezone.now()
    if campaign.frequency == Campaign.Frequency.ONCE:
        return start
    return next_run_at(campaign, after=start - dt.timedelta(microseconds=1)) or start
