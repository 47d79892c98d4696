"""The campaign error log's one upsert: counts add up, the latest message and time are kept,
and writers racing on the same error type lose nothing (on PostgreSQL, for real)."""

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.db.models.query import QuerySet

from campaigns.models import Campaign
from delivery.errorlog import errors_record
from delivery.models import CampaignError
from tests.factories import CampaignFactory

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(minutes=5)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and a real race need PostgreSQL"
)


def log(campaign: Campaign) -> dict[str, tuple[int, str]]:
    return {
        e.error_type: (e.count, e.message) for e in CampaignError.objects.filter(campaign=campaign)
    }


@pytest.mark.django_db
def test_a_first_error_of_a_type_creates_its_row(account):
    # given a campaign with an empty error log
    campaign = CampaignFactory(account=account)

    # when two types are recorded
    errors_record(
        campaign_id=campaign.pk,
        errors={"131049": (3, "Not delivered: ecosystem"), "throttled": (1, "Too fast")},
        at=T0,
    )

    # then each has its row, counted, with its message and time
    assert log(campaign) == {
        "131049": (3, "Not delivered: ecosystem"),
        "throttled": (1, "Too fast"),
    }
    assert set(CampaignError.objects.values_list("timestamp", flat=True)) == {T0}


@pytest.mark.django_db
def test_a_known_type_adds_to_its_count_and_keeps_the_latest_message(account):
    # given a logged error type
    campaign = CampaignFactory(account=account)
    errors_record(campaign_id=campaign.pk, errors={"131049": (3, "first")}, at=T0)
    first_seen = CampaignError.objects.get().first_seen_at

    # when it is recorded again
    errors_record(campaign_id=campaign.pk, errors={"131049": (2, "second")}, at=T1)

    # then the one row holds the sum, the latest message and time, and its first sighting
    row = CampaignError.objects.get()
    assert (row.count, row.message, row.timestamp) == (5, "second", T1)
    assert row.first_seen_at == first_seen


@pytest.mark.django_db
def test_each_campaign_has_its_own_log(account):
    # given two campaigns
    one, two = CampaignFactory(account=account), CampaignFactory(account=account)

    # when the same type is recorded for both
    errors_record(campaign_id=one.pk, errors={"permanent": (1, "a")}, at=T0)
    errors_record(campaign_id=two.pk, errors={"permanent": (4, "b")}, at=T0)

    # then neither counts the other's
    assert log(one) == {"permanent": (1, "a")}
    assert log(two) == {"permanent": (4, "b")}


@pytest.mark.django_db
def test_a_type_and_message_too_long_for_their_columns_are_cut(account):
    campaign = CampaignFactory(account=account)

    errors_record(campaign_id=campaign.pk, errors={"x" * 80: (1, "m" * 600)}, at=T0)
    errors_record(campaign_id=campaign.pk, errors={"x" * 90: (1, "n" * 600)}, at=T1)

    # one row: both long types are the same type once cut to 64 characters
    assert log(campaign) == {"x" * 64: (2, "n" * 500)}


@pytest.mark.django_db
def test_losing_the_insert_race_adds_to_the_winners_row(account, monkeypatch):
    # given a logged type, and an UPDATE that (as in a race) finds no row the first time
    campaign = CampaignFactory(account=account)
    errors_record(campaign_id=campaign.pk, errors={"131049": (3, "first")}, at=T0)
    real_update, calls = QuerySet.update, []

    def update_missing_once(self: QuerySet, **kwargs: object) -> int:
        calls.append(kwargs)
        return 0 if len(calls) == 1 else real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_missing_once)

    # when the type is recorded inside the caller's transaction
    with transaction.atomic():
        errors_record(campaign_id=campaign.pk, errors={"131049": (2, "second")}, at=T1)
        # then the failed insert left that transaction usable
        assert CampaignError.objects.count() == 1

    # and the count went to the existing row
    assert len(calls) == 2
    assert log(campaign) == {"131049": (5, "second")}


def _in_thread(target: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_second_writer_waits_for_the_first_ones_insert_and_adds_to_it(account):
    # given a campaign with no error log yet
    campaign = CampaignFactory(account=account)
    inserted = threading.Event()
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                errors_record(campaign_id=campaign.pk, errors={"131049": (2, "first")}, at=T0)
                inserted.set()
                time.sleep(0.5)  # the second writer's UPDATE finds nothing meanwhile
        except BaseException as error:
            failures.append(error)
            inserted.set()

    def second() -> None:
        try:
            inserted.wait(10)
            with transaction.atomic():
                errors_record(campaign_id=campaign.pk, errors={"131049": (3, "second")}, at=T1)
        except BaseException as error:
            failures.append(error)

    # when a second worker records the same type while the first's new row is uncommitted
    threads = [_in_thread(first), _in_thread(second)]
    for thread in threads:
        thread.join(30)

    # then its insert waited, lost, and its count went to the first worker's row
    assert failures == []
    assert log(campaign) == {"131049": (5, "second")}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_many_writers_at_once_lose_no_count_and_do_not_deadlock(account):
    # given eight workers starting together, each with the same two types in its own order
    campaign = CampaignFactory(account=account)
    writers = 8
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        errors = {"throttled": (1, f"t{n}"), "131049": (n, f"e{n}")}
        if n % 2:
            errors = dict(reversed(errors.items()))
        try:
            start.wait(10)
            with transaction.atomic():
                errors_record(campaign_id=campaign.pk, errors=errors, at=T0)
                time.sleep(0.05)  # hold the row locks a moment, as a real chunk does
        except BaseException as error:
            failures.append(error)

    # when they all record at once
    threads = [_in_thread(lambda n=n: worker(n)) for n in range(writers)]
    for thread in threads:
        thread.join(60)

    # then every count is in, on one row per type
    assert failures == []
    counts = {k: count for k, (count, _) in log(campaign).items()}
    assert counts == {"throttled": writers, "131049": sum(range(writers))}
