"""The scheduling step: now or later, the time zone, quiet hours and repetition."""

import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.wizard.fields import time_zone_choices
from campaigns.wizard.forms.base import StepForm


class SchedulingForm(StepForm):
    when = forms.ChoiceField(
        label="When",
        choices=[("now", "Send now"), ("later", "Schedule for later")],
        widget=forms.RadioSelect,
        initial="now",
    )
    start_date = forms.DateTimeField(
        label="Date and time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    timezone = forms.ChoiceField(label="Time zone", choices=())
    local_time_delivery = forms.BooleanField(
        required=False,
        label="Deliver at this local time in each recipient's time zone",
    )
    quiet_hours_start = forms.TimeField(
        required=False, label="Quiet hours from", widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_hours_end = forms.TimeField(
        required=False, label="Quiet hours until", widget=forms.TimeInput(attrs={"type": "time"})
    )
    frequency = forms.ChoiceField(
        choices=Campaign.Frequency.choices, initial=Campaign.Frequency.ONCE
    )
    delivery_time = forms.TimeField(
        required=False,
        label="Delivery time",
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="For daily, weekly and monthly campaigns.",
    )
    end_date = forms.DateTimeField(
        label="Repeat until",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = time_zone_choices()
        self.fields["timezone"].initial = self.account.timezone

    def _aware(self, value: datetime | None, zone: str) -> datetime | None:
        if value is None:
            return None
        if timezone.is_aware(value):
            value = value.replace(tzinfo=None)
        return value.replace(tzinfo=zoneinfo.ZoneInfo(zone))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        zone = cleaned.get("timezone") or self.account.timezone
        start = self._aware(cleaned.get("start_date"), zone)
        end = self._aware(cleaned.get("end_date"), zone)
        cleaned["start_date"], cleaned["end_date"] = start, end
        later = cleaned.get("when") == "later"
        if later:
            if start is None:
                self.add_error("start_date", "Pick the date and time to send.")
            elif start <= timezone.now():
                self.add_error("start_date", "This time has already passed.")
        if end and start and end < start:
            self.add_error("end_date", "The end is before the start.")
        frequency = cleaned.get("frequency")
        if frequency and frequency != Campaign.Frequency.ONCE:
            if cleaned.get("delivery_time") is None:
                self.add_error("delivery_time", "A repeating campaign needs a delivery time.")
        if bool(cleaned.get("quiet_hours_start")) != bool(cleaned.get("quiet_hours_end")):
            self.add_error("quiet_hours_end", "Give both ends of the quiet hours.")
        if cleaned.get("local_time_delivery") and not (
            cleaned.get("delivery_time") or (later and start)
        ):
            self.add_error(
                "delivery_time", "Local-time delivery needs a time of day to deliver at."
            )
        return cleaned

    def to_data(self) -> dict:
        data = self.cleaned_data
        later = data["when"] == "later"
        return {
            "send_now": not later,
            "start_date": data["start_date"] if later else None,
            "end_date": data["end_date"],
            "timezone": data["timezone"],
            "frequency": data["frequency"],
            "delivery_time": data["delivery_time"],
            "local_time_delivery": data["local_time_delivery"],
            "quiet_hours_start": data["quiet_hours_start"],
            "quiet_hours_end": data["quiet_hours_end"],
        }
