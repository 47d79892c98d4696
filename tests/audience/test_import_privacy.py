"""Contact imports are private (issue 9, item 5).

An uploaded CSV and its rejected rows hold phones, names and e-mails. They are stored under
the private root, never under the public media root that ``make run`` serves, with random
names; only the download views hand them out, to members of the import's account whose role
may import (``edit``: owner, manager, marketer). Campaign media, which providers fetch, stay
public.
"""

import csv
import importlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from accounts.models import Role
from audience import tasks
from audience.models import ImportJob

CONTENT_ROWS = [
    ["phone", "first_name", "email"],
    ["+33612345678", "Ada", "ada@example.com"],
    ["not-a-phone", "Bob", "bob@example.com"],
]


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _import_with_a_rejected_row(api) -> ImportJob:
    upload = SimpleUploadedFile("people.csv", _csv(CONTENT_ROWS), content_type="text/csv")
    response = api.post("/api/contacts/import", {"file": upload})
    assert response.status_code == 202, response.content
    tasks.contacts_import(response.json()["jobId"])
    job = ImportJob.objects.get(pk=response.json()["jobId"])
    assert job.status == "completed"
    assert job.error_file
    return job


def _files_under(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def debug_urls(settings):
    """The URLconf as ``make run`` (DEBUG on) builds it, media serving included."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_an_import_and_its_rejected_rows_are_stored_privately_under_random_names(api, settings):
    # when two imports run, each with a rejected row
    job = _import_with_a_rejected_row(api)
    other = _import_with_a_rejected_row(api)
    # then nothing was written under the public media root
    assert _files_under(settings.MEDIA_ROOT) == []
    # and both files of each job are under the private root
    private = {
        p.relative_to(settings.PRIVATE_MEDIA_ROOT).as_posix()
        for p in _files_under(settings.PRIVATE_MEDIA_ROOT)
    }
    assert private == {job.file.name, job.error_file.name, other.file.name, other.error_file.name}
    # under names nobody can guess: no job id, no original name, a long random token
    for name in (job.file.name, job.error_file.name, other.file.name, other.error_file.name):
        stem = Path(name).stem
        assert re.fullmatch(r"[0-9a-f]{32}", stem), name
        assert "people" not in name
    assert Path(job.error_file.name).stem != Path(other.error_file.name).stem
    # and the storage has no URL to give out
    with pytest.raises(ValueError, match="private"):
        _ = job.error_file.url


def test_the_public_media_url_of_an_import_no_longer_exists(api, client, debug_urls, settings):
    # given an import with rejected rows, and a campaign picture providers must fetch
    job = _import_with_a_rejected_row(api)
    picture = Path(settings.MEDIA_ROOT) / "campaign-media" / "1" / ("ab" * 16 + ".png")
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")
    guessed = f"imports/errors/{timezone.now():%Y/%m}/import-{job.pk}-errors.csv"
    # when anyone fetches the import's files under /media/
    anonymous = client  # (the api fixture's key is not sent to /media/)
    anonymous.defaults.pop("HTTP_AUTHORIZATION", None)
    answers = [
        anonymous.get(f"/media/{name}") for name in (job.file.name, job.error_file.name, guessed)
    ]
    # then nothing is there
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert not any(b"bob@example.com" in _body(a) for a in answers)
    # while the campaign picture is still served
    served = anonymous.get(f"/media/{picture.relative_to(settings.MEDIA_ROOT).as_posix()}")
    assert served.status_code == 200
    assert _body(served) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("which", ["import_file", "import_errors"])
def test_only_members_who_may_import_download_an_import(
    api, client, account, other_account, make_member, which
):
    # given an import of the account
    job = _import_with_a_rejected_row(api)
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    url = reverse(f"audience:{which}", args=[job.pk])
    expected = _csv(CONTENT_ROWS) if which == "import_file" else None
    # when nobody is signed in: the login page, and no data
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert b"bob@example.com" not in _body(anonymous)
    # when the owner of another account asks: it does not exist
    client.force_login(make_member(other_account, Role.OWNER))
    stranger = client.get(url)
    assert stranger.status_code == 404
    assert b"bob@example.com" not in _body(stranger)
    # when a viewer of the account asks: the role may not import, so it may not download
    client.force_login(make_member(account, Role.VIEWER))
    viewer = client.get(url)
    assert viewer.status_code == 403
    assert b"bob@example.com" not in _body(viewer)
    # when a member who may import asks: the file, as an attachment
    for role in (Role.MARKETER, Role.MANAGER, Role.OWNER):
        client.force_login(make_member(account, role))
        response = client.get(url)
        assert response.status_code == 200, role
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment")
        assert "no-store" in response["Cache-Control"]
        body = _body(response)
        assert b"bob@example.com" in body
        if expected is not None:
            assert body == expected


def test_the_job_page_links_the_downloads_for_members_who_may_import(
    api, client, account, make_member
):
    job = _import_with_a_rejected_row(api)
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    file_url = reverse("audience:import_file", args=[job.pk])
    errors_url = reverse("audience:import_errors", args=[job.pk])
    client.force_login(make_member(account, Role.MARKETER))
    html = client.get(reverse("audience:import_job", args=[job.pk])).content.decode()
    assert f'href="{file_url}"' in html
    assert f'href="{errors_url}"' in html
    client.force_login(make_member(account, Role.VIEWER))
    html = client.get(reverse("audience:import_job", args=[job.pk])).content.decode()
    assert file_url not in html
    assert errors_url not in html
    assert "Rejected" in html  # the viewer still follows the import's counts


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_files_of_existing_installs_out_of_public_media(
    settings, client, account, make_member
):
    from django.core.management import call_command

    # given an install before this change: its imports under the public media root
    call_command("migrate", "audience", "0003", verbosity=0)
    try:
        media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
        upload_name = "imports/2026/11/contacts.csv"
        errors_name = "imports/errors/2026/11/import-1-errors.csv"
        orphan_name = "imports/2026/10/contacts_a1B2c3D.csv"  # its job was deleted
        for name, text in (
            (upload_name, "phone\n+33612345678\nnot-a-phone\n"),
            (errors_name, "phone,import_row,import_error\nnot-a-phone,3,phone: invalid\n"),
            (orphan_name, "phone\n+33699999999\n"),
        ):
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).write_text(text)
        (media / "campaign-media" / "1").mkdir(parents=True)
        (media / "campaign-media" / "1" / "picture.png").write_bytes(b"\x89PNG")
        job = ImportJob.objects.create(
            account=account,
            file=upload_name,
            error_file=errors_name,
            status="completed",
            original_name="contacts.csv",
        )
    finally:
        # when the install is migrated
        call_command("migrate", verbosity=0)
    # then every import file moved to the private root under the same name
    assert not (media / "imports").exists()
    assert (private / upload_name).read_text() == "phone\n+33612345678\nnot-a-phone\n"
    assert (private / errors_name).exists()
    assert (private / orphan_name).exists()
    # campaign media stayed public
    assert (media / "campaign-media" / "1" / "picture.png").exists()
    # and the stored names still work: the owner downloads them through the views
    client.force_login(make_member(account, Role.OWNER))
    errors = client.get(reverse("audience:import_errors", args=[job.pk]))
    assert errors.status_code == 200
    assert b"not-a-phone" in _body(errors)
    upload = client.get(reverse("audience:import_file", args=[job.pk]))
    assert _body(upload) == b"phone\n+33612345678\nnot-a-phone\n"


def test_a_private_root_inside_the_public_media_root_stops_the_start(tmp_path, settings):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "media" / "private"),
    }
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "PRIVATE_MEDIA_ROOT" in started.stderr
    assert "must not be inside MEDIA_ROOT" in started.stderr
