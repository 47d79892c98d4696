import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accounts.services import api_key_create
from audience import tasks
from audience.models import AttributeDefinition, Contact, ImportJob
from audience.services.imports import import_run
from tests.factories import AttributeDefinitionFactory, ContactFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _csv(rows, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def _upload(api, content: bytes, mapping=None, name="contacts.csv"):
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    if mapping is not None:
        data["mapping"] = json.dumps(mapping)
    return api.post("/api/contacts/import", data)


def _phone(n: int) -> str:
    return f"+336{10000000 + n}"


def _import(api, content, mapping=None, django_capture_on_commit_callbacks=None):
    response = _upload(api, content, mapping)
    assert response.status_code == 202, response.json()
    job_id = response.json()["jobId"]
    tasks.contacts_import(job_id)  # what the worker runs
    return job_id


@pytest.mark.slow
def test_ten_thousand_rows_with_bad_rows_mixed_in(api, account, django_capture_on_commit_callbacks):
    # given a file whose every 100th row has a bad phone, every 250th a bad number, every
    # 333rd a bad email; the other rows are good
    AttributeDefinitionFactory(account=account, key="points", type="number")
    rows = [["Phone", "First Name", "E-mail", "points", "Signup", "VIP", "City", "Tags"]]
    bad = {}
    for n in range(10_000):
        row_number = n + 2  # the header is row 1
        phone, points, email = _phone(n), str(n), f"p{n}@example.com"
        if n % 100 == 7:
            phone, bad[row_number] = "not-a-phone", "phone"
        elif n % 250 == 3:
            points, bad[row_number] = "lots", "attributes.points"
        elif n % 333 == 5:
            email, bad[row_number] = "broken@", "email"
        rows.append(
            [
                phone,
                f"Name{n}",
                email,
                points,
                "2024-01-15",
                "yes" if n % 2 else "no",
                "Lyon",
                "a;b",
            ]
        )
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(api, _csv(rows))
    job_id = response.json()["jobId"]
    tasks.contacts_import(job_id)
    # then
    assert response.status_code == 202
    assert len(callbacks) == 1  # enqueued after commit
    status = api.get(f"/api/contacts/import/{job_id}").json()
    assert status["status"] == "completed"
    assert status["processed"] == 10_000
    assert status["failed"] == len(bad)
    assert status["imported"] == 10_000 - len(bad)
    assert status["updated"] == 0
    assert status["progress"] == 100
    assert {e["row"]: e["message"].split(":")[0] for e in status["errors"]} == bad
    good = Contact.objects.filter(account=account)
    assert good.count() == 10_000 - len(bad)
    assert not good.filter(phone=_phone(7)).exists()
    ada = good.get(phone=_phone(10))
    assert ada.first_name == "Name10"
    assert ada.email == "p10@example.com"
    assert ada.attributes == {"points": 10, "signup": "2024-01-15", "vip": False, "city": "Lyon"}
    assert sorted(ada.tags.values_list("name", flat=True)) == ["a", "b"]
    types = dict(AttributeDefinition.objects.filter(account=account).values_list("key", "type"))
    assert types == {"points": "number", "signup": "date", "vip": "boolean", "city": "text"}
    # the error rows, all of them, as a CSV with their row number and reason
    job = ImportJob.objects.get(pk=job_id)
    with job.error_file.open("r") as f:
        error_rows = list(csv.reader(f))
    assert error_rows[0] == [*rows[0], "import_row", "import_error"]
    assert {int(r[-2]) for r in error_rows[1:]} == set(bad)
    by_row = {int(r[-2]): r for r in error_rows[1:]}
    assert by_row[9][0] == "not-a-phone"
    assert by_row[9][-1].startswith("phone: ")


def test_headers_are_matched_by_synonym_and_semicolons_work(api, account):
    # given
    content = _csv(
        [
            ["MSISDN", "firstname", "Last Name", "Email", "tags", "subscribed"],
            ["+33612345678", "Ada", "Lovelace", "ADA@example.com", "vip|spring", "no"],
        ],
        delimiter=";",
        bom=True,
    )
    # when
    job_id = _import(api, content)
    # then
    contact = Contact.objects.get(account=account)
    assert ImportJob.objects.get(pk=job_id).imported == 1
    assert (contact.first_name, contact.last_name) == ("Ada", "Lovelace")
    assert contact.email == "ada@example.com"
    assert contact.subscribed is False
    assert contact.unsubscribed_at is not None
    assert contact.timezone == "Europe/Paris"
    assert sorted(contact.tags.values_list("name", flat=True)) == ["spring", "vip"]
    assert not AttributeDefinition.objects.filter(account=account).exists()


def test_an_explicit_mapping_wins(api, account):
    # given
    content = _csv([["Mobile Nr", "Nick", "Pts", "Junk"], ["0612345678", "Ada", "7", "zzz"]])
    account.default_phone_region = "FR"
    account.save(update_fields=["default_phone_region"])
    mapping = {
        "Mobile Nr": "phone",
        "Nick": "firstName",
        "Pts": "attributes.points",
        "Junk": "ignore",
    }
    # when
    _import(api, content, mapping)
    # then
    contact = Contact.objects.get(account=account)
    assert contact.phone == "+33612345678"
    assert contact.first_name == "Ada"
    assert contact.attributes == {"points": 7}
    assert AttributeDefinition.objects.get(account=account, key="points").type == "number"


def test_existing_contacts_are_updated(api, account):
    # given
    ContactFactory(account=account, phone=_phone(1), first_name="Old", email="keep@example.com")
    content = _csv([["phone", "first_name"], [_phone(1), "New"], [_phone(2), "Fresh"]])
    # when
    job_id = _import(api, content)
    # then
    job = ImportJob.objects.get(pk=job_id)
    assert (job.imported, job.updated, job.failed) == (1, 1, 0)
    updated = Contact.objects.get(phone=_phone(1))
    assert updated.first_name == "New"
    assert updated.email == "keep@example.com"  # not in the file: left alone


@pytest.mark.parametrize(
    ("content", "mapping", "message"),
    [
        (b"", None, "empty"),
        (_csv([["name", "city"], ["Ada", "Paris"]]), None, "No phone column"),
        (_csv([["phone", "name"], ["+33612345678", "Ada"]]), {"nope": "phone"}, "No such column"),
        (_csv([["phone", "name"], ["+33612345678", "Ada"]]), {"name": "height"}, "not a field"),
        (_csv([["phone", "mobile"], ["+33612345678", "x"]]), None, "Several columns"),
        (b"\x00\x01\x02binary", None, "not a CSV"),
    ],
)
def test_a_bad_upload_is_a_422_and_creates_no_job(api, account, content, mapping, message):
    # when
    response = _upload(api, content, mapping)
    # then
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not ImportJob.objects.exists()


def test_a_mapping_that_is_not_json_is_a_422(api, account):
    response = api.post(
        "/api/contacts/import",
        {"file": SimpleUploadedFile("c.csv", _csv([["phone"], ["+33612345678"]])), "mapping": "{"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "mapping"


def test_running_a_job_twice_imports_once(api, account):
    # given
    job_id = _import(api, _csv([["phone"], [_phone(1)], [_phone(2)]]))
    # when the task is delivered again
    second = import_run(job_id=job_id)
    # then
    assert second is None
    job = ImportJob.objects.get(pk=job_id)
    assert (job.processed, job.imported) == (2, 2)


def test_a_crashed_run_resumes_after_the_rows_it_committed(api, account):
    # given a job whose first 2 rows were committed before its worker died long ago
    response = _upload(api, _csv([["phone"], [_phone(1)], [_phone(2)], [_phone(3)]]))
    job = ImportJob.objects.get(pk=response.json()["jobId"])
    ContactFactory(account=account, phone=_phone(1))
    ContactFactory(account=account, phone=_phone(2))
    ImportJob.objects.filter(pk=job.pk).update(status="running", processed=2, imported=2)
    ImportJob.objects.filter(pk=job.pk).update(updated_at="2020-01-01T00:00:00Z")
    # when
    import_run(job_id=job.pk)
    # then
    job.refresh_from_db()
    assert (job.status, job.processed, job.imported, job.updated) == ("completed", 3, 3, 0)
    assert Contact.objects.filter(account=account).count() == 3


def test_a_running_job_owned_by_a_live_worker_is_left_alone(api, account):
    # given
    response = _upload(api, _csv([["phone"], [_phone(1)]]))
    ImportJob.objects.filter(pk=response.json()["jobId"]).update(status="running")
    # when
    result = import_run(job_id=response.json()["jobId"])
    # then
    assert result is None
    assert not Contact.objects.exists()


def test_another_account_job_is_a_404(api, other_account):
    # given
    job = ImportJob.objects.create(account=other_account, file="imports/x.csv")
    # when
    response = api.get(f"/api/contacts/import/{job.pk}")
    # then
    assert response.status_code == 404


def test_a_viewer_cannot_import(client, account):
    # given
    _, raw = api_key_create(account=account, name="ro", role=Role.VIEWER)
    # when
    response = client.post(
        "/api/contacts/import",
        {"file": SimpleUploadedFile("c.csv", _csv([["phone"], [_phone(1)]]))},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    # then
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_without_a_file_it_is_a_422(api, account):
    response = api.post("/api/contacts/import", {})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
