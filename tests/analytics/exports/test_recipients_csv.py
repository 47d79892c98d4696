"""The recipients CSV: one row per recipient whose counts equal the raw events, written in
keyset chunks with progress after each, one GROUP BY for the counts, formula-safe cells, UTF-8
with a BOM."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.exports import recipients_csv
from analytics.exports.services import _progress, export_run, export_start
from analytics.models import Event, Export
from analytics.report import Filters

pytestmark = pytest.mark.django_db


def _rows(export: Export) -> list[dict[str, str]]:
    with export.file.open("rb") as handle:
        raw = handle.read()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _expected_counts(campaign):
    """Human clicks, conversions and their value per recipient, from the raw events."""
    counts = {}
    for e in Event.objects.filter(campaign=campaign):
        c = counts.setdefault(e.recipient_id, [0, 0, Decimal("0")])
        if e.type == Event.Type.CLICKED and not e.data.get("bot"):
            c[0] += 1
        elif e.type == Event.Type.CONVERTED:
            c[1] += 1
            c[2] += e.revenue or 0
    return counts


def _run(campaign, filters=None, *, inline_pipeline):
    filters = filters or Filters()
    export = inline_pipeline(
        lambda: export_start(
            campaign=campaign, kind=Export.Kind.RECIPIENTS_CSV, filters=filters, created_by=None
        )
    )
    export.refresh_from_db()
    return export


def test_each_recipient_row_equals_the_data(world, inline_pipeline):
    # when the export runs through django-q (inline)
    export = _run(world.campaign, inline_pipeline=inline_pipeline)

    # then it is done, with one row per recipient, in id order
    assert export.status == Export.Status.DONE, export.error
    assert (export.rows_done, export.rows_total) == (6, 6)
    rows = _rows(export)
    assert [int(r["recipient_id"]) for r in rows] == [r.pk for r in world.recipients]
    expected = _expected_counts(world.campaign)
    for row, recipient in zip(rows, world.recipients, strict=True):
        recipient.refresh_from_db()
        clicks, conversions, value = expected.get(recipient.pk, [0, 0, Decimal("0")])
        assert int(row["clicks"]) == clicks
        assert int(row["conversions"]) == conversions
        assert Decimal(row["conversion_value"]) == value
        assert row["status"] == recipient.status
        assert row["phone"] == recipient.contact.phone  # +33… is a number, not a formula
        assert row["email"].lstrip("'") == recipient.contact.email
        assert row["variant"] == (recipient.variant.key if recipient.variant else "")
        sent = dt.datetime.fromisoformat(row["sent_at"])
        assert sent == recipient.sent_at
        assert sent.utcoffset() == dt.timedelta(hours=1)  # Paris in March, the account's zone
        assert row["failed_at"] == ("" if recipient.failed_at is None else row["failed_at"])
    # Ann: two human clicks and 42.50 from two purchases; Cat's bot click is not a click
    assert (rows[0]["clicks"], rows[0]["conversions"], rows[0]["conversion_value"]) == (
        "2",
        "2",
        "42.50",
    )
    assert rows[2]["clicks"] == "0"
    assert rows[5]["error_code"] == "131026"


def test_cells_that_start_a_formula_are_neutralised(world, inline_pipeline):
    rows = _rows(_run(world.campaign, inline_pipeline=inline_pipeline))

    assert rows[1]["first_name"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["last_name"] == "'-2+3"
    assert rows[2]["email"] == "'@cat@example.com"
    assert rows[2]["last_name"] == "'+SUM(A1)"
    assert rows[5]["error_title"] == "'=Message undeliverable"
    assert rows[0]["phone"] == "+33612000001"


def test_variant_filter_selects_recipients_and_the_period_their_counts(world, inline_pipeline):
    # given variant A and the first day only
    filters = Filters(since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 2), variant="A")

    rows = _rows(_run(world.campaign, filters, inline_pipeline=inline_pipeline))

    # then A's three recipients, Ann with her day-1 click and purchase only
    assert [r["first_name"] for r in rows][0] == "Ann"
    assert len(rows) == 3
    assert {r["variant"] for r in rows} == {"A"}
    assert (rows[0]["clicks"], rows[0]["conversions"], rows[0]["conversion_value"]) == (
        "1",
        "1",
        "12.50",
    )


def test_no_variant_filter_keeps_recipients_without_one(world, inline_pipeline):
    rows = _rows(_run(world.campaign, Filters(variant=""), inline_pipeline=inline_pipeline))

    assert [r["first_name"] for r in rows] == ["Fay"]


def test_progress_advances_chunk_by_chunk_with_one_group_by(world, monkeypatch, tmp_path):
    # given chunks of two recipients (the real size is 5,000)
    monkeypatch.setattr(recipients_csv, "CHUNK", 2)
    export = Export.objects.create(
        account=world.campaign.account, campaign=world.campaign, kind=Export.Kind.RECIPIENTS_CSV
    )
    store = _progress(export.pk)
    seen = []

    def progress(done, total):
        store(done, total)
        row = Export.objects.get(pk=export.pk)
        seen.append((row.rows_done, row.rows_total))

    # when the file is written
    with CaptureQueriesContext(connection) as queries:
        written = recipients_csv.recipients_csv_write(
            campaign=world.campaign,
            filters=Filters(),
            path=str(tmp_path / "recipients.csv"),
            progress=progress,
        )

    # then the stored progress moved after each chunk, and the counts took one GROUP BY
    assert written == 6
    assert seen == [(0, 6), (2, 6), (4, 6), (6, 6)]
    group_bys = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"].upper()]
    assert len(group_bys) == 1


def test_a_second_run_of_a_finished_export_changes_nothing(world, inline_pipeline):
    export = _run(world.campaign, inline_pipeline=inline_pipeline)
    name = export.file.name

    assert export_run(export_id=export.pk) is None
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    assert export.file.name == name


def test_a_failure_ends_the_export_as_failed_with_a_message(
    world, settings, tmp_path, inline_pipeline
):
    # given a private root that cannot hold files (a file where its folder should be)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.PRIVATE_MEDIA_ROOT = blocker / "private"

    export = _run(world.campaign, inline_pipeline=inline_pipeline)

    assert export.status == Export.Status.FAILED
    assert export.error.startswith("The export stopped: ")
    assert export.finished_at is not None
    assert not export.file
