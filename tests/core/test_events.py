"""``core.events.events_record``: apps below analytics write the event log through the writer
analytics registered, in their own transaction, and never into the void."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from analytics import services
from analytics.models import Event
from core import events
from core.events import EventType, NewEvent, events_record

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def unsubscribed(account) -> NewEvent:
    return NewEvent(account_id=account.pk, type=EventType.UNSUBSCRIBED, occurred_at=AT)


def test_analytics_writer_is_the_sink():
    assert events.sink.get() is services.events_record
    assert Event.Type is EventType


def test_events_become_rows(account):
    assert events_record([unsubscribed(account), unsubscribed(account)]) == 2

    assert list(Event.objects.values_list("type", flat=True)) == ["unsubscribed"] * 2


def test_the_events_roll_back_with_the_callers_transaction(account):
    # given a change that fails after its event was recorded
    @transaction.atomic
    def change() -> None:
        events_record([unsubscribed(account)])
        raise RuntimeError("the change failed")

    # when it runs
    with pytest.raises(RuntimeError):
        change()

    # then its event is gone with it
    assert not Event.objects.exists()


def test_without_a_sink_nothing_is_dropped_silently(account, monkeypatch):
    monkeypatch.setattr(events.sink, "_implementation", None)

    with pytest.raises(ImproperlyConfigured, match="analytics"):
        events_record([unsubscribed(account)])
    with pytest.raises(ImproperlyConfigured):
        events_record([])
