"""The events CSV: every event of the campaign in time order, filters applied, equal to the
log, bot clicks flagged, formula-safe, with progress per chunk (pages that split events of one
instant lose and repeat none)."""

import csv
import datetime as dt
import io
import json

import pytest

from analytics.exports import events_csv
from analytics.exports.services import export_start
from analytics.models import Event, Export
from analytics.report import Filters

pytestmark = pytest.mark.django_db


def _export(campaign, filters, inline_pipeline):
    export = inline_pipeline(
        lambda: export_start(
            campaign=campaign, kind=Export.Kind.EVENTS_CSV, filters=filters, created_by=None
        )
    )
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    with export.file.open("rb") as handle:
        raw = handle.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    return export, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_every_event_is_a_row_equal_to_the_log(world, inline_pipeline):
    export, rows = _export(world.campaign, Filters(), inline_pipeline)

    events = list(Event.objects.filter(campaign=world.campaign).order_by("occurred_at", "pk"))
    assert (export.rows_done, export.rows_total) == (len(events), len(events))
    assert [int(r["event_id"]) for r in rows] == [e.pk for e in events]
    for row, event in zip(rows, events, strict=True):
        assert row["type"] == event.type
        assert dt.datetime.fromisoformat(row["occurred_at"]) == event.occurred_at
        assert int(row["recipient_id"]) == event.recipient_id
        assert row["revenue"] == ("" if event.revenue is None else f"{event.revenue:.2f}")
        assert json.loads(row["data"]) == event.data
    bots = [r for r in rows if r["bot"] == "true"]
    assert len(bots) == 1
    assert bots[0]["type"] == "clicked"
    assert sum(1 for r in rows if r["type"] == "converted") == 3


def test_a_url_that_starts_a_formula_is_text(world, inline_pipeline):
    _, rows = _export(world.campaign, Filters(), inline_pipeline)

    urls = [r["url"] for r in rows if r["type"] == "clicked"]
    assert "'=cmd|' /C calc'!A0" in urls
    assert "https://shop.example/sale" in urls


def test_period_and_variant_filters(world, inline_pipeline):
    # day 2, variant B: Dan's click and sign-up only
    filters = Filters(since=dt.date(2026, 3, 3), until=dt.date(2026, 3, 3), variant="B")
    _, rows = _export(world.campaign, filters, inline_pipeline)

    assert sorted(r["type"] for r in rows) == ["clicked", "converted"]
    assert {r["variant"] for r in rows} == {"B"}
    assert {int(r["recipient_id"]) for r in rows} == {world.recipients[3].pk}


def test_progress_per_chunk(world, monkeypatch, tmp_path):
    monkeypatch.setattr(events_csv, "CHUNK", 4)
    seen = []

    total = events_csv.events_csv_write(
        campaign=world.campaign,
        filters=Filters(),
        path=str(tmp_path / "events.csv"),
        progress=lambda done, of: seen.append((done, of)),
    )

    n = Event.objects.filter(campaign=world.campaign).count()
    assert total == n == 25
    # every event once, in time order, though five share each of several instants
    with open(tmp_path / "events.csv", encoding="utf-8-sig") as handle:
        ids = [int(row["event_id"]) for row in csv.DictReader(handle)]
    expected = Event.objects.filter(campaign=world.campaign).order_by("occurred_at", "pk")
    assert ids == list(expected.values_list("pk", flat=True))
    assert seen == [(0, n), *[(d, n) for d in range(4, 25, 4)], (25, n)]
