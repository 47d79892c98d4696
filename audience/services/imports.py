"""CSV import of contacts: upload checks, column detection, and the streaming run the task calls.

The run reads the stored file through ``csv.reader`` over a text wrapper, ``CHUNK_ROWS`` rows
at a time, and upserts each chunk with ``contacts_upsert`` (a fixed number of queries per
chunk). Memory holds one chunk, whatever the file's size. The job's counters are written in
the same transaction as the chunk they count, so a run that dies can be resumed: the next run
skips the rows already counted.

A CSV row may hold a quoted value over several lines. An unbalanced quote makes the reader do
the same with the lines that follow, so a record that swallowed lines looking like rows of
their own (or that the reader gave up on) is rejected with its row and line numbers, never
imported as one merged contact. Cells of the rejected rows file are neutralised like the
export's (``cell_safe``), since people open it in a spreadsheet.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from typing import IO, TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_q.tasks import async_task

from accounts.models import Account
from audience.models import AttributeDefinition, ImportJob
from audience.services.attributes import (
    KEY_RE,
    attribute_definitions,
    attribute_infer_type,
    attribute_key_from_label,
    attributes_ensure,
)
from audience.services.contacts import CleanItem, contact_item_clean, contacts_upsert
from audience.services.exports import cell_safe
from core.errors import ValidationFailed
from core.uploads import upload_size_check

if TYPE_CHECKING:
    from _csv import Reader, Writer

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2_000
MAX_STORED_ERRORS = 1_000
SNIFF_BYTES = 64 * 1024
STALE_AFTER = timedelta(minutes=5)
IMPORT_TIMEOUT = 6 * 3600
DELIMITERS = (",", ";", "\t", "|")
TAG_SPLIT = re.compile(r"[;|]")
IGNORE = "ignore"
FIELDS = ("phone", "email", "first_name", "last_name", "timezone", "country", "tags", "subscribed")
# Accepted spellings of each field in a header (after lower-casing, spaces/dashes → "_").
SYNONYMS = {
    "phone": "phone",
    "phone_number": "phone",
    "phonenumber": "phone",
    "mobile": "phone",
    "mobile_number": "phone",
    "mobile_phone": "phone",
    "cell": "phone",
    "cellphone": "phone",
    "msisdn": "phone",
    "telephone": "phone",
    "tel": "phone",
    "whatsapp": "phone",
    "email": "email",
    "e_mail": "email",
    "email_address": "email",
    "mail": "email",
    "first_name": "first_name",
    "firstname": "first_name",
    "given_name": "first_name",
    "forename": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "timezone": "timezone",
    "time_zone": "timezone",
    "tz": "timezone",
    "country": "country",
    "country_code": "country",
    "tags": "tags",
    "tag": "tags",
    "labels": "tags",
    "subscribed": "subscribed",
    "opt_in": "subscribed",
    "optin": "subscribed",
    # Columns of our own exports and error files, so they re-import cleanly.
    "id": IGNORE,
    "created_at": IGNORE,
    "updated_at": IGNORE,
    "unsubscribed_at": IGNORE,
    "import_row": IGNORE,
    "import_error": IGNORE,
}
_MAPPING_NAMES = {"firstName": "first_name", "lastName": "last_name"}


def header_normalise(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", (name or "").strip().lower()).strip("_")


# A rejected row: its number, its cells and why.
Failure = tuple[int, list[str], str]


class ColumnPreview(TypedDict):
    name: str
    target: str
    samples: list[str]


@dataclass(frozen=True)
class Column:
    index: int
    name: str
    target: str  # a field, "attributes.<key>" or "ignore"
    new_type: str = ""  # for attributes to create: inferred from the first chunk


def _mapping_target(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = _MAPPING_NAMES.get(value.strip(), value.strip())
    if value in FIELDS or value == IGNORE:
        return value
    if value.startswith("attributes.") and KEY_RE.match(value[len("attributes.") :]):
        return value
    return None


def import_columns(
    *,
    header: list[str],
    mapping: object,
    definitions: dict[str, AttributeDefinition],
    strict: bool = True,
) -> list[Column]:
    """What each column feeds; columns matching nothing become new attributes (key from the
    header). Raises ``ValidationFailed`` for a mapping that names unknown columns or targets,
    or when no column gives the phone."""
    mapping = mapping or {}
    if not isinstance(mapping, dict):
        raise ValidationFailed(
            "mapping: must be an object {csvColumn: field}.",
            extra={"problems": [{"field": "mapping", "message": "Must be an object."}]},
        )
    problems: list[dict[str, str]] = []
    by_name = {name.strip(): name for name in header}
    by_lower = {name.strip().lower(): name for name in header}
    resolved_mapping: dict[str, str] = {}
    for column, target in mapping.items():
        name = by_name.get(str(column).strip()) or by_lower.get(str(column).strip().lower())
        if name is None:
            problems.append(
                {"field": f"mapping.{column}", "message": "No such column in the file."}
            )
            continue
        resolved = _mapping_target(target)
        if resolved is None:
            problems.append(
                {
                    "field": f"mapping.{column}",
                    "message": f"“{target}” is not a field, attributes.<key>, tags or ignore.",
                }
            )
            continue
        resolved_mapping[name] = resolved
    labels = {d.label.strip().lower(): key for key, d in definitions.items() if d.label}
    columns: list[Column] = []
    for index, name in enumerate(header):
        if name in resolved_mapping:
            target = resolved_mapping[name]
        else:
            normal = header_normalise(name)
            if not normal:
                target = IGNORE
            elif normal in SYNONYMS:
                target = SYNONYMS[normal]
            elif normal.startswith("attributes_") and normal[11:] in definitions:
                target = f"attributes.{normal[11:]}"
            elif attribute_key_from_label(name) in definitions:
                target = f"attributes.{attribute_key_from_label(name)}"
            elif name.strip().lower() in labels:
                target = f"attributes.{labels[name.strip().lower()]}"
            else:
                key = attribute_key_from_label(name)
                target = f"attributes.{key}" if key else IGNORE
        columns.append(Column(index=index, name=name, target=target))
    used = [c.target for c in columns if c.target in FIELDS]
    for target in set(used):
        if used.count(target) > 1:
            names = ", ".join(c.name for c in columns if c.target == target)
            problems.append(
                {"field": "mapping", "message": f"Several columns map to {target}: {names}."}
            )
    if "phone" not in used:
        problems.append(
            {
                "field": "mapping",
                "message": "No phone column: name a column phone, mobile or msisdn, "
                "or map one to phone.",
            }
        )
    if problems and strict:
        raise ValidationFailed(
            "; ".join(f"{p['field']}: {p['message']}" for p in problems),
            extra={"problems": problems},
        )
    return columns


def _sniff(head: bytes) -> tuple[str, str, list[str]]:
    """Encoding, delimiter and header of a file from its first bytes."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    text = head.decode(encoding, errors="replace")
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = max(DELIMITERS, key=first_line.count) if first_line else ","
    if first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        # newline="": a line may end in \n, \r\n or a bare \r, as the run reads it.
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise _invalid_file(f"The first row cannot be read as CSV ({exc}).") from None
    return encoding, delimiter, [h.strip() for h in header]


def _invalid_file(message: str) -> ValidationFailed:
    return ValidationFailed(
        f"file: {message}", extra={"problems": [{"field": "file", "message": message}]}
    )


def import_create(
    *,
    account: Account,
    upload: File[bytes] | None,
    mapping: dict[str, Any] | None = None,
    created_by: User | None = None,
    queue: bool = True,
) -> ImportJob:
    """Store an uploaded CSV as an import job; queue it unless the mapping is to be reviewed.

    Rejects (422, nothing stored) a file that is empty or has no header, (413) one larger than
    ``CONTACT_IMPORT_MAX_BYTES``, and, for a job queued
    now, one without a phone column or whose mapping does not fit the header (a job kept for
    review is checked when its mapping is confirmed, ``import_queue``).
    """
    if upload is None or not getattr(upload, "size", 0):
        raise _invalid_file("The file is empty.")
    upload_size_check(
        upload=upload,
        limit=settings.CONTACT_IMPORT_MAX_BYTES,
        what="file",
        hint="Split it into smaller files and import each one.",
    )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if b"\x00" in head:
        raise _invalid_file("This is not a CSV text file.")
    encoding, delimiter, header = _sniff(head)
    if not any(header):
        raise _invalid_file("The file has no header row.")
    if queue:
        import_columns(
            header=header, mapping=mapping, definitions=attribute_definitions(account=account)
        )
    with transaction.atomic():
        job = ImportJob(
            account=account,
            original_name=(getattr(upload, "name", "") or "contacts.csv")[:255],
            mapping=mapping or {},
            total_bytes=upload.size,
            encoding=encoding,
            delimiter=delimiter,
            created_by=created_by,
        )
        job.file.save("contacts.csv", upload, save=False)
        job.save()
        if queue:
            import_queue(job=job, mapping=mapping)
    return job


def import_header(*, job: ImportJob) -> list[str]:
    with job.file.open("rb") as stored:
        return _sniff(stored.read(SNIFF_BYTES))[2]


def import_preview(*, job: ImportJob, rows: int = 3) -> list[ColumnPreview]:
    """Each column with its detected target and a few sample values (for the mapping step)."""
    definitions = attribute_definitions(account=job.account)
    with job.file.open("rb") as stored:
        head = stored.read(SNIFF_BYTES)
    text = head.decode(job.encoding, errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=job.delimiter)
    header = [h.strip() for h in next(reader, [])]
    try:
        samples = list(islice(reader, rows))
    except csv.Error:
        samples = []  # an unreadable sample row: the run reports it with its row number
    mapping = job.mapping if isinstance(job.mapping, dict) else {}
    columns = import_columns(header=header, mapping=mapping, definitions=definitions, strict=False)
    targets = [c.target for c in columns]
    return [
        {
            "name": name,
            "target": targets[i],
            "samples": [row[i] for row in samples if i < len(row) and row[i].strip()],
        }
        for i, name in enumerate(header)
    ]


def import_queue(*, job: ImportJob, mapping: dict[str, Any] | None) -> ImportJob:
    """Fix the mapping and hand the job to the task queue after the transaction commits."""
    if job.queued_at is not None:
        return job
    if mapping is not None:
        header = import_header(job=job)
        import_columns(
            header=header, mapping=mapping, definitions=attribute_definitions(account=job.account)
        )
        job.mapping = mapping
    job.queued_at = timezone.now()
    job.save(update_fields=["mapping", "queued_at", "updated_at"])

    transaction.on_commit(lambda: contacts_import_enqueue(job.pk))
    return job


def _claim(job_id: int) -> bool:
    now = timezone.now()
    return bool(
        ImportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ImportJob.Status.PENDING)
            | Q(status=ImportJob.Status.RUNNING, updated_at__lt=now - STALE_AFTER)
        )
        .update(
            status=ImportJob.Status.RUNNING,
            started_at=Coalesce(F("started_at"), now),
            updated_at=now,
        )
    )


def _row_item(row: list[str], plan: list[tuple[int, str, str]]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    width = len(row)
    for index, kind, name in plan:
        if index >= width:
            continue
        value = row[index].strip()
        if not value:
            continue
        if kind == "a":
            attributes[name] = value
        elif kind == "t":
            item["tags"] = [t for t in TAG_SPLIT.split(value) if t.strip()]
        else:
            item[name] = value
    if attributes:
        item["attributes"] = attributes
    return item


def _swallowed_rows(row: list[str], delimiter: str, width: int) -> bool:
    """Whether a record read over several lines took in lines that look like rows: a later
    line of one of its values holds as many delimiters as a row of two or three columns (any
    line, in a one-column file). A quoted address over two lines ("1 Main Street" / "Paris,
    France") does not; the lines an unbalanced quote takes in do."""
    needed = min(width - 1, 2)
    for cell in row:
        if "\n" in cell or "\r" in cell:
            for line in cell.splitlines()[1:]:
                if line.count(delimiter) >= needed:
                    return True
    return False


def _unbalanced_quote(first: int, last: int) -> str:
    return (
        f'quote: a quote (") opened on line {first} is not closed where its value ends, so '
        f"lines {first}–{last} were read as this one row and none of them was imported. "
        f"Fix the quotes on line {first} and import those lines again."
    )


class _Run:
    """One pass over the job's file; state kept between chunks."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.account = job.account
        self.region = self.account.default_phone_region or "US"
        self.definitions = attribute_definitions(account=self.account)
        self.columns: list[Column] = []
        self.plan: list[tuple[int, str, str]] = []
        self.error_file: IO[str] | None = None
        self.error_writer: Writer | None = None
        self.header: list[str] = []
        # Rows that an unbalanced quote merged with the lines after them: row -> message.
        self.malformed: dict[int, str] = {}

    def records(self, reader: Reader) -> Iterator[tuple[int, list[str]]]:
        """``(row number, cells)`` of each record after the header (row 1, as in a
        spreadsheet); a record that swallowed rows, or that the reader gave up on (a value
        over ``csv.field_size_limit``), is noted in ``malformed`` and still counted as a row,
        so a resumed run numbers the rows the same way."""
        width, delimiter = len(self.header), self.job.delimiter
        row_number, last_line = 1, reader.line_num
        while True:
            try:
                for row in reader:
                    row_number += 1
                    line = reader.line_num
                    if line - last_line > 1 and _swallowed_rows(row, delimiter, width):
                        self.malformed[row_number] = _unbalanced_quote(last_line + 1, line)
                    last_line = line
                    yield row_number, row
                return
            except csv.Error:
                # The reader drops the line it stopped on and goes on with the next one.
                row_number += 1
                self.malformed[row_number] = _unbalanced_quote(last_line + 1, reader.line_num)
                last_line = reader.line_num
                yield row_number, []

    def _plan(self, chunk: list[tuple[int, list[str]]]) -> None:
        """Decide the targets; new attribute columns get a type from this (first) chunk."""
        wanted: dict[str, tuple[str, str]] = {}
        for column in self.columns:
            if column.target.startswith("attributes."):
                key = column.target[len("attributes.") :]
                if key not in self.definitions:
                    values = (
                        row[column.index]
                        for number, row in chunk
                        if column.index < len(row) and number not in self.malformed
                    )
                    wanted[key] = (column.name.strip()[:100], attribute_infer_type(values))
        if wanted:
            self.definitions = attributes_ensure(account=self.account, wanted=wanted)
            self.job.new_attributes = [
                {"key": key, "type": self.definitions[key].type, "column": label}
                for key, (label, _) in wanted.items()
            ]
        for column in self.columns:
            if column.target == IGNORE:
                continue
            if column.target.startswith("attributes."):
                self.plan.append((column.index, "a", column.target[len("attributes.") :]))
            elif column.target == "tags":
                self.plan.append((column.index, "t", "tags"))
            else:
                self.plan.append((column.index, "f", column.target))

    def _record_errors(self, failures: list[Failure]) -> None:
        job = self.job
        for row_number, row, message in failures:
            if len(job.errors) < MAX_STORED_ERRORS:
                job.errors.append({"row": row_number, "message": message})
            if self.error_writer is None:
                self.error_file = tempfile.TemporaryFile(mode="w+", newline="", encoding="utf-8")
                self.error_writer = csv.writer(self.error_file)
                header = [cell_safe(cell) for cell in self.header]
                self.error_writer.writerow([*header, "import_row", "import_error"])
            padded = [cell_safe(cell) for cell in row] + [""] * (len(self.header) - len(row))
            self.error_writer.writerow([*padded, row_number, cell_safe(message)])

    def clean(
        self, chunk: list[tuple[int, list[str]]]
    ) -> tuple[list[tuple[int, CleanItem]], list[Failure]]:
        """Stored values or problems for each row; no database access."""
        cleans: list[tuple[int, CleanItem]] = []
        failures: list[Failure] = []
        malformed = self.malformed
        for row_number, row in chunk:
            if malformed and row_number in malformed:
                failures.append((row_number, row, malformed[row_number]))
                continue
            if not any(cell.strip() for cell in row):
                continue  # a blank line: counted as processed, neither imported nor rejected
            clean, problems = contact_item_clean(
                _row_item(row, self.plan),
                region=self.region,
                definitions=self.definitions,
                require_phone=True,
            )
            if problems:
                message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
                failures.append((row_number, row, message))
            else:
                cleans.append((row_number, clean))
        return cleans, failures

    def write(
        self, cleans: list[tuple[int, CleanItem]], failures: list[Failure], rows: int, position: int
    ) -> None:
        """Upsert one chunk and count it, in one transaction (so a resumed run skips it)."""
        job = self.job
        with transaction.atomic():
            result = contacts_upsert(account=self.account, cleans=cleans)
            self._record_errors(failures)
            job.processed += rows
            job.imported += result.created
            job.updated += result.updated
            job.failed += len(failures)
            job.processed_bytes = min(position, job.total_bytes or position)
            job.updated_at = timezone.now()
            job.save(
                update_fields=[
                    "processed",
                    "imported",
                    "updated",
                    "failed",
                    "processed_bytes",
                    "errors",
                    "new_attributes",
                    "updated_at",
                ]
            )

    def run(self) -> None:
        job = self.job
        with job.file.open("rb") as stored:
            raw = getattr(stored, "file", stored)
            text = io.TextIOWrapper(raw, encoding=job.encoding, errors="replace", newline="")
            reader = csv.reader(text, delimiter=job.delimiter)
            self.header = [h.strip() for h in next(reader, [])]
            self.columns = import_columns(
                header=self.header, mapping=job.mapping, definitions=self.definitions
            )
            rows = self.records(reader)
            if job.processed:
                # Resume after a crash: these rows' results are already committed.
                for _ in islice(rows, job.processed):
                    pass
            while chunk := list(islice(rows, CHUNK_ROWS)):
                if not self.plan:
                    self._plan(chunk)
                self.write(*self.clean(chunk), len(chunk), raw.tell())
            text.detach()
        self.finish()

    def finish(self) -> None:
        job = self.job
        if self.error_file is not None:
            self.error_file.seek(0)
            job.error_file.save("errors.csv", File(self.error_file), save=False)
            self.error_file.close()
        job.status = ImportJob.Status.COMPLETED
        job.finished_at = timezone.now()
        job.processed_bytes = job.total_bytes
        job.message = (
            f"{job.imported} created, {job.updated} updated, {job.failed} rejected "
            f"out of {job.processed} rows."
        )
        if self.malformed:
            rows = sorted(self.malformed)
            listed = ", ".join(str(n) for n in rows[:5]) + (", …" if len(rows) > 5 else "")
            job.message += (
                f' Row{"s" if len(rows) > 1 else ""} {listed}: an unbalanced quote (") '
                "merged the lines after it into one row; see the rejected rows."
            )
        job.save(
            update_fields=[
                "status",
                "finished_at",
                "processed_bytes",
                "message",
                "error_file",
                "updated_at",
            ]
        )


def import_run(*, job_id: int) -> ImportJob | None:
    """Run (or resume) an import; returns None when another run owns it or it is finished."""
    if not _claim(job_id):
        return None
    job = ImportJob.objects.select_related("account").get(pk=job_id)
    try:
        _Run(job).run()
    except ValidationFailed as exc:
        _fail(job, exc.message)
    except Exception as exc:
        logger.exception("Import %s failed", job_id)
        _fail(job, f"The import stopped: {exc.__class__.__name__}: {exc}")
        raise
    return job


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        message=message[:2000],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    job.refresh_from_db()


def import_progress(job: ImportJob) -> int:
    """Percent done, by bytes read (rows are unknown until the end)."""
    if job.status == ImportJob.Status.COMPLETED:
        return 100
    if not job.total_bytes:
        return 0
    return min(99, int(job.processed_bytes * 100 / job.total_bytes))


def import_job_json(job: ImportJob) -> dict[str, Any]:
    return {
        "jobId": job.pk,
        "status": job.status,
        "processed": job.processed,
        "imported": job.imported,
        "updated": job.updated,
        "failed": job.failed,
        "progress": import_progress(job),
        "errors": job.errors,
        "message": job.message,
        "newAttributes": job.new_attributes,
        "createdAt": job.created_at,
        "finishedAt": job.finished_at,
        "fileName": job.original_name,
    }


def parse_mapping(raw: object) -> dict[str, Any] | None:
    """A mapping given as JSON text (multipart form field) or as an object."""
    if raw in (None, ""):
        return None
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw) if isinstance(raw, str | bytes | bytearray) else None
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValidationFailed(
            'mapping: must be a JSON object like {"Mobile": "phone"}.',
            extra={"problems": [{"field": "mapping", "message": "Must be a JSON object."}]},
        )
    return value


def contacts_import_enqueue(job_id: int) -> None:
    # Call from transaction.on_commit: the worker must find the committed job.
    async_task(
        "audience.tasks.contacts_import",
        job_id,
        task_name=f"contacts-import-{job_id}",
        timeout=IMPORT_TIMEOUT,
    )
