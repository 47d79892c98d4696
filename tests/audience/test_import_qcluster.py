"""A CSV import run by a real ``manage.py qcluster`` subprocess.

The cluster must see the test's database: on PostgreSQL it connects to pytest-django's test
database by name; on SQLite (in memory under pytest) the test moves its connection to a file
copy of the database for its duration, and the cluster opens that file. The broker is the one
the settings name: Redis on the PostgreSQL leg, the ORM broker without REDIS_URL. A missing
service fails the test (the job never finishes), it never skips.
"""

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.services import api_key_create
from audience.models import Contact, ImportJob
from tests.factories import AccountFactory, AttributeDefinitionFactory

# A real qcluster importing ten thousand rows.
pytestmark = pytest.mark.slow

BASE_DIR = Path(settings.BASE_DIR)
ROWS = 10_000


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A URL under which a subprocess opens the database this test reads and writes."""
    if connection.vendor != "sqlite":
        s = connection.settings_dict
        auth = quote(s["USER"] or "")
        if s.get("PASSWORD"):
            auth += ":" + quote(s["PASSWORD"])
        yield f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    memory = connection.connection
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    settings_dict = connection.settings_dict
    memory_name = settings_dict["NAME"]
    # Closing an in-memory test database would destroy it: keep it aside, open the file.
    connection.connection = None
    settings_dict["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.connection = memory


@pytest.fixture
def cluster(shared_database, tmp_path, settings):
    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = media, private
    env = {
        **os.environ,
        "DATABASE_URL": shared_database,
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private),
        "Q_WORKERS": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("TEST_DATABASE_NAME", None)
    log_path = tmp_path / "qcluster.log"
    log = open(log_path, "ab")  # closed below
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield log_path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def _file(bad: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["mobile", "first name", "email", "score", "joined"])
    for n in range(ROWS):
        row_number = n + 2
        phone, score, email = f"+336{10000000 + n}", str(n % 50), f"c{n}@example.com"
        if n % 97 == 1:
            phone, bad[row_number] = "12", "phone"
        elif n % 211 == 2:
            score, bad[row_number] = "high", "attributes.score"
        elif n % 389 == 3:
            email, bad[row_number] = "c@", "email"
        writer.writerow([phone, f"C{n}", email, score, "2025-03-01"])
    return out.getvalue().encode()


@pytest.mark.django_db(transaction=True)
def test_a_real_cluster_imports_ten_thousand_rows_and_reports_the_bad_ones(
    shared_database, cluster, client
):
    # given an account whose "score" column is a number, and a file with bad rows mixed in
    account = AccountFactory(slug="qc", default_phone_region="FR")
    _, key = api_key_create(account=account, name="qc")
    AttributeDefinitionFactory(account=account, key="score", type="number")
    bad: dict[int, str] = {}
    content = _file(bad)
    # when it is uploaded through the API and the cluster picks the task up
    response = client.post(
        "/api/contacts/import",
        {"file": SimpleUploadedFile("big.csv", content, content_type="text/csv")},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 202
    job_id = response.json()["jobId"]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.status in (ImportJob.Status.COMPLETED, ImportJob.Status.FAILED):
            break
        time.sleep(0.25)
    # then
    job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportJob.Status.COMPLETED, (job.status, job.message, cluster.read_text())
    assert job.processed == ROWS
    assert job.failed == len(bad)
    assert job.imported == ROWS - len(bad)
    assert {e["row"]: e["message"].split(":")[0] for e in job.errors} == bad
    contacts = Contact.objects.filter(account=account)
    assert contacts.count() == ROWS - len(bad)
    good_phones = {f"+336{10000000 + n}" for n in range(ROWS) if n + 2 not in bad}
    assert set(contacts.values_list("phone", flat=True)) == good_phones
    assert contacts.get(phone="+33610000010").attributes == {"score": 10, "joined": "2025-03-01"}
    with job.error_file.open("r") as f:
        error_rows = list(csv.reader(f))
    assert {int(r[-2]) for r in error_rows[1:]} == set(bad)
