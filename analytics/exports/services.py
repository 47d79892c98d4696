"""Starting an export, the task's run, and the reads the pages and the API share.

A start stores the validated filters and hands the export's id to django-q2 after the
transaction commits. The run claims the export (a finished one, or one another worker is
running, is left alone: the task is safe to run twice), writes the file to a temporary path
in chunks, updating ``rows_done`` after each, then stores it in the private storage. Any
failure ends the export as failed with a message for the person who asked.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_q.tasks import async_task

from accounts.models import Account
from analytics.exports.csv_files import Progress
from analytics.exports.events_csv import events_csv_write
from analytics.exports.filters import filters_json, filters_load
from analytics.exports.recipients_csv import recipients_csv_write
from analytics.exports.report_xlsx import report_xlsx_write
from analytics.models import Export
from analytics.report import Filters
from campaigns.models import Campaign
from core.errors import NotFound, ValidationFailed

logger = logging.getLogger(__name__)

EXPORT_TIMEOUT = 3 * 3600
# A running export not updated for this long lost its worker; a new run may take it over.
STALE_AFTER = timedelta(minutes=10)
RECENT = 10

Writer = Callable[..., int]
WRITERS: dict[str, tuple[Writer, str]] = {
    Export.Kind.RECIPIENTS_CSV: (recipients_csv_write, "csv"),
    Export.Kind.EVENTS_CSV: (events_csv_write, "csv"),
    Export.Kind.REPORT_XLSX: (report_xlsx_write, "xlsx"),
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_start(
    *, campaign: Campaign, kind: str, filters: Filters, created_by: User | None
) -> Export:
    """Record the export and queue its task once the transaction commits."""
    if kind not in WRITERS:
        choices = ", ".join(WRITERS)
        raise ValidationFailed(
            f"kind: must be one of {choices}.",
            extra={"problems": [{"field": "kind", "message": f"Must be one of {choices}."}]},
        )
    export = Export.objects.create(
        account=campaign.account,
        campaign=campaign,
        kind=kind,
        filters=filters_json(filters),
        created_by=created_by,
    )
    transaction.on_commit(lambda: export_enqueue(export.pk))
    return export


def export_enqueue(export_id: int) -> None:
    # Called from transaction.on_commit: the worker must find the committed row. Inline (sync)
    # when the send pipeline's tasks are (tests, the demo).
    async_task(
        "analytics.exports.tasks.export_run",
        export_id,
        task_name=f"export-{export_id}",
        timeout=EXPORT_TIMEOUT,
        sync=bool(settings.CAMPAIGNS_TASKS_SYNC),
    )


def _claim(export_id: int) -> bool:
    now = timezone.now()
    return bool(
        Export.objects.filter(pk=export_id)
        .filter(
            Q(status=Export.Status.QUEUED)
            | Q(status=Export.Status.RUNNING, updated_at__lt=now - STALE_AFTER)
        )
        .update(
            status=Export.Status.RUNNING,
            started_at=Coalesce(F("started_at"), now),
            rows_done=0,
            updated_at=now,
        )
    )


def _progress(export_id: int) -> Progress:
    def report(done: int, total: int) -> None:
        Export.objects.filter(pk=export_id).update(
            rows_done=done, rows_total=total, updated_at=timezone.now()
        )

    return report


def export_run(*, export_id: int) -> Export | None:
    """Write the export's file; None when it is finished or another run holds it."""
    if not _claim(export_id):
        return None
    export = Export.objects.select_related("campaign__account").get(pk=export_id)
    writer, extension = WRITERS[export.kind]
    handle, path = tempfile.mkstemp(suffix=f".{extension}")
    os.close(handle)
    try:
        writer(
            campaign=export.campaign,
            filters=filters_load(export.filters),
            path=path,
            progress=_progress(export.pk),
        )
        export.refresh_from_db(fields=["rows_done", "rows_total"])
        with open(path, "rb") as written:
            export.file.save(f"export.{extension}", File(written), save=False)
    except Exception as exc:
        logger.exception("Export %s failed", export_id)
        Export.objects.filter(pk=export_id).update(
            status=Export.Status.FAILED,
            error=f"The export stopped: {exc.__class__.__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        export.refresh_from_db()
        return export
    finally:
        os.unlink(path)
    export.status = Export.Status.DONE
    export.finished_at = timezone.now()
    export.error = ""
    export.save(update_fields=["status", "finished_at", "file", "error", "updated_at"])
    return export


def exports_recent(*, account: Account, campaign: Campaign) -> QuerySet[Export]:
    return Export.objects.for_account(account).filter(campaign=campaign)[:RECENT]


def export_get(
    *, account: Account, export_id: int | str, campaign: Campaign | None = None
) -> Export:
    """The account's export (of ``campaign`` when given), or ``NotFound`` — also for another
    account's id, so nobody learns that it exists."""
    exports = Export.objects.for_account(account).select_related("campaign")
    if campaign is not None:
        exports = exports.filter(campaign=campaign)
    try:
        return exports.get(pk=int(export_id))
    except (Export.DoesNotExist, ValueError, TypeError):
        raise NotFound("Export not found.") from None


def export_stalled(export: Export) -> bool:
    """Running, but not updated for ``STALE_AFTER``: its worker stopped (the next run of the
    task may take it over; starting a new export is always possible)."""
    return (
        export.status == Export.Status.RUNNING and export.updated_at < timezone.now() - STALE_AFTER
    )


def export_progress(export: Export) -> int:
    """Percent done (100 only once the file is stored)."""
    if export.status == Export.Status.DONE:
        return 100
    if not export.rows_total:
        return 0
    return min(99, int(export.rows_done * 100 / export.rows_total))


def export_filename(export: Export) -> str:
    """``<campaign-name>-<kind>-<id>.<ext>``, in plain ASCII letters for every browser."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", export.campaign.name).strip("-").lower()[:60]
    kind = export.kind.rsplit("_", 1)[0]
    extension = WRITERS[export.kind][1]
    return f"{name or 'campaign'}-{kind}-{export.pk}.{extension}"


def export_content_type(export: Export) -> str:
    return CONTENT_TYPES[WRITERS[export.kind][1]]


def export_json(export: Export) -> dict[str, Any]:
    return {
        "id": export.pk,
        "kind": export.kind,
        "status": export.status,
        "rowsDone": export.rows_done,
        "rowsTotal": export.rows_total,
        "progress": export_progress(export),
        "error": export.error,
        "filters": export.filters,
        "createdAt": export.created_at,
        "finishedAt": export.finished_at,
    }


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports written more than ``EXPORTS_KEEP_DAYS`` ago and mark them
    expired: they name recipients (phones, e-mails), and a download is what they are for, not
    an archive (the figures stay in the product). Answers how many expired."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=int(settings.EXPORTS_KEEP_DAYS))
    expired = 0
    old = Export.objects.filter(status=Export.Status.DONE, finished_at__lt=cutoff).order_by("pk")
    for export in old.iterator(chunk_size=200):
        if export.file:
            export.file.delete(save=False)  # storage first: a crash leaves the row to retry
        export.status = Export.Status.EXPIRED
        export.save(update_fields=["status", "file", "updated_at"])
        expired += 1
    return expired
