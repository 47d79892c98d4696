"""Export files are deleted ``EXPORTS_KEEP_DAYS`` after they are written: they name
recipients, and are downloads, not an archive. The row stays, marked expired."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from analytics.exports.tasks import exports_expire
from analytics.models import Export

pytestmark = pytest.mark.django_db


def _export_done(world, logged_in_client, inline_pipeline) -> Export:
    inline_pipeline(
        lambda: logged_in_client.post(
            reverse("campaigns:analytics_export_start", args=[world.campaign.pk]),
            {"kind": "recipients_csv"},
        )
    )
    export = Export.objects.get()
    assert export.status == Export.Status.DONE
    return export


def test_a_file_older_than_the_kept_days_is_deleted_and_the_export_says_so(
    world, logged_in_client, inline_pipeline, settings
):
    # given an export written now, files kept 7 days
    settings.EXPORTS_KEEP_DAYS = 7
    export = _export_done(world, logged_in_client, inline_pipeline)
    path = Path(export.file.path)
    assert path.exists()

    # when the daily task runs six days later, then eight days later
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        kept = exports_expire()
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        expired = exports_expire()

    # then the file is gone after the eighth day only, the row says expired
    assert (kept, expired) == (0, 1)
    assert not path.exists()
    export.refresh_from_db()
    assert export.status == Export.Status.EXPIRED
    assert not export.file

    # and the page says why there is no download; the download is a 404
    box = logged_in_client.get(reverse("campaigns:analytics_exports", args=[world.campaign.pk]))
    html = box.content.decode()
    assert 'data-status="expired"' in html
    assert "Files are kept 7 days" in html
    download = reverse("campaigns:analytics_export_download", args=[world.campaign.pk, export.pk])
    assert logged_in_client.get(download).status_code == 404


def test_the_daily_schedule_is_installed():
    schedule = Schedule.objects.get(name="analytics-exports-expire")
    assert (schedule.func, schedule.schedule_type) == (
        "analytics.exports.tasks.exports_expire",
        Schedule.DAILY,
    )
