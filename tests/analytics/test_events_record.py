"""``events_record``: the pipeline's one way into the event log, row for row what callers
describe, in bulk INSERTs of one batch size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import services
from analytics.models import Event
from analytics.services import events_record
from core.events import EventType, NewEvent
from tests.factories import CampaignFactory, ContactFactory

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def inserts(queries: CaptureQueriesContext) -> int:
    return sum(
        q["sql"].lstrip().upper().startswith("INSERT") and "analytics_event" in q["sql"]
        for q in queries.captured_queries
    )


def test_each_event_becomes_one_row_with_its_columns(account):
    # given a campaign's recipient-less sent event and a contact's unsubscription
    campaign = CampaignFactory(account=account)
    contact = ContactFactory(account=account)

    # when both are recorded
    written = events_record(
        [
            NewEvent(
                account_id=account.pk,
                campaign_id=campaign.pk,
                contact_id=contact.pk,
                type=EventType.SENT,
                occurred_at=AT,
                data={"providerMessageId": "wamid.1", "attempt": 1},
            ),
            NewEvent(
                account_id=account.pk,
                contact_id=contact.pk,
                type=EventType.UNSUBSCRIBED,
                occurred_at=AT + dt.timedelta(seconds=1),
            ),
        ]
    )

    # then there is a row for each, exactly as described
    assert written == 2
    rows = Event.objects.order_by("occurred_at").values(
        "account_id", "campaign_id", "recipient_id", "contact_id", "type", "occurred_at", "data"
    )
    assert list(rows) == [
        {
            "account_id": account.pk,
            "campaign_id": campaign.pk,
            "recipient_id": None,
            "contact_id": contact.pk,
            "type": "sent",
            "occurred_at": AT,
            "data": {"providerMessageId": "wamid.1", "attempt": 1},
        },
        {
            "account_id": account.pk,
            "campaign_id": None,
            "recipient_id": None,
            "contact_id": contact.pk,
            "type": "unsubscribed",
            "occurred_at": AT + dt.timedelta(seconds=1),
            "data": {},
        },
    ]


def test_nothing_to_record_costs_no_query(account):
    with CaptureQueriesContext(connection) as queries:
        assert events_record([]) == 0
    assert queries.captured_queries == []


def test_events_go_in_as_one_insert_per_batch(account, monkeypatch):
    # given a batch size of 3 and a generator of 7 events
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    events = (
        NewEvent(account_id=account.pk, type=EventType.CLICKED, occurred_at=AT, data={"n": n})
        for n in range(7)
    )

    # when they are recorded
    with CaptureQueriesContext(connection) as queries:
        assert events_record(events) == 7

    # then three INSERTs wrote all seven
    assert inserts(queries) == 3
    assert sorted(Event.objects.values_list("data__n", flat=True)) == list(range(7))
