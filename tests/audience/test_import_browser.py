"""The import in Chromium: upload a CSV, watch the job page's progress update by itself."""

import os

import pytest

from audience import tasks
from audience.models import Contact, ImportJob

# Playwright's sync API runs an event loop in this thread; the ORM must be told that is fine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def page(signed_in_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    signed_in_page.set_default_timeout(20_000)
    return signed_in_page


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_upload_map_and_watch_the_progress(page, live_server, account):
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    content = b"Tel,Nick,Score\n+33612345678,Ada,5\nbad,Bob,6\n+33612345679,Cy,7\n"
    # when a CSV is uploaded for review
    page.goto(f"{live_server.url}/dashboard/audience/contacts/import/")
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload").click()
    # then every column is offered with a select; the person picks the phone column
    page.get_by_label("Import column Tel as").select_option("phone")
    page.get_by_label("Import column Nick as").select_option("first_name")
    page.get_by_role("button", name="Import").click()
    # the job page waits for a worker, polling its progress
    expect(page.locator("#import-progress")).to_contain_text("Waiting for a worker")
    job = ImportJob.objects.get(account=account)
    # when the worker runs the task
    tasks.contacts_import(job.pk)
    # then the page updates by itself and offers the rejected rows
    expect(page.locator("#import-progress")).to_contain_text("Completed", timeout=10_000)
    expect(page.locator('[data-stat="imported"]')).to_have_text("2")
    expect(page.locator('[data-stat="failed"]')).to_have_text("1")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_role("link", name="Download the rejected rows (CSV)")).to_be_visible()
    page.screenshot(path="/tmp/contacts_import_job.png", full_page=True)
    assert Contact.objects.filter(account=account).count() == 2
    assert errors == []
