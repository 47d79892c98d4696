"""Two reports of one order at the same moment (a webhook retried while the first is still
running) store one conversion and count it once. On PostgreSQL, where two writers really
run at once (SQLite's BEGIN IMMEDIATE queues them, and its in-memory test database cannot)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from analytics.conversions import ConversionIn, conversion_record
from analytics.models import Conversion, Event
from tests.factories import AccountFactory, ContactFactory


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_same_order_reported_twice_at_once_is_stored_once():
    account = AccountFactory()
    contact = ContactFactory(account=account)
    start = threading.Barrier(2)
    answers: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def report() -> None:
        try:
            start.wait()
            conversion, created = conversion_record(
                account=account,
                contact_id=contact.pk,
                data=ConversionIn(value=Decimal("12.00"), order_id="RACE-1"),
            )
            answers.append((conversion.pk, created))
        except BaseException as exc:  # reported below, with the thread's answer
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted(created for _, created in answers) == [False, True]
    assert len({pk for pk, _ in answers}) == 1
    assert Conversion.objects.count() == 1
    assert Event.objects.filter(type=Event.Type.CONVERTED).count() == 1
