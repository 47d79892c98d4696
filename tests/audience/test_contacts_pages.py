import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from audience import tasks
from audience.models import Contact, ImportJob
from tests.factories import AttributeDefinitionFactory, ContactFactory, TagFactory

ROLES = [Role.OWNER, Role.MANAGER, Role.MARKETER, Role.VIEWER]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def as_role(client, account, make_member):
    def sign_in(role):
        client.force_login(make_member(account, role))
        return client

    return sign_in


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize("role", ROLES)
def test_the_contacts_list_renders_for_every_role(as_role, account, other_account, role):
    # given
    ada = ContactFactory(account=account, first_name="Ada", last_name="L", country="FR")
    ada.tags.add(TagFactory(account=account, name="vip"))
    ContactFactory(account=other_account, first_name="Stranger")
    client = as_role(role)
    # when
    response = client.get(reverse("audience:contacts"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada L" in html
    assert ada.phone in html
    assert "vip" in html
    assert "Stranger" not in html
    assert ('href="/dashboard/audience/contacts/import/"' in html) is (role != Role.VIEWER)


def test_the_list_filters_by_search_tag_subscription_and_country(as_role, account):
    # given
    vip = TagFactory(account=account, name="vip")
    ContactFactory(account=account, first_name="Ada", last_name="Z", country="FR").tags.add(vip)
    ContactFactory(account=account, first_name="Bob", last_name="Z", country="DE", subscribed=False)
    ContactFactory(account=account, first_name="Cy", last_name="Z", country="DE")
    client = as_role(Role.VIEWER)
    url = reverse("audience:contacts")

    def names(**params):
        html = client.get(url, params).content.decode()
        return {n for n in ("Ada", "Bob", "Cy") if f">{n} " in html}

    # then
    assert names(q="bob") == {"Bob"}
    assert names(tag="vip") == {"Ada"}
    assert names(subscribed="no") == {"Bob"}
    assert names(country="de") == {"Bob", "Cy"}


def test_the_list_paginates(as_role, account):
    Contact.objects.bulk_create(
        [Contact(account=account, phone=f"+336200{n:05d}", first_name=f"P{n}") for n in range(120)]
    )
    response = as_role(Role.VIEWER).get(reverse("audience:contacts"), {"page": 3})
    assert response.status_code == 200
    assert "Page 3 of 3" in response.content.decode()


def test_a_marketer_edits_a_contact_with_inline_errors(as_role, account):
    # given
    AttributeDefinitionFactory(account=account, key="points", label="Points", type="number")
    contact = ContactFactory(account=account, first_name="Ada", phone="+33612345678")
    client = as_role(Role.MARKETER)
    url = reverse("audience:contact_detail", args=[contact.pk])
    # when a bad number and a bad attribute are posted
    bad = client.post(url, {"phone": "nope", "first_name": "Grace", "attr_points": "lots"})
    # then the page answers with the errors next to their fields and nothing changes
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "is not a phone number" in html
    assert "must be a number" in html
    contact.refresh_from_db()
    assert contact.first_name == "Ada"
    # when it is corrected
    good = client.post(
        url,
        {"phone": "+33612345678", "first_name": "Grace", "attr_points": "7", "tags": "a, b"},
    )
    # then
    assert good.status_code == 302
    contact.refresh_from_db()
    assert contact.first_name == "Grace"
    assert contact.attributes == {"points": 7}
    assert contact.subscribed is False  # the unchecked box
    assert sorted(contact.tags.values_list("name", flat=True)) == ["a", "b"]


def test_a_marketer_adds_and_deletes_a_contact(as_role, account):
    client = as_role(Role.MARKETER)
    created = client.post(
        reverse("audience:contact_create"), {"phone": "+33612345678", "subscribed": "on"}
    )
    assert created.status_code == 302
    contact = Contact.objects.get(account=account)
    assert contact.timezone == "Europe/Paris"
    deleted = client.post(reverse("audience:contact_delete", args=[contact.pk]))
    assert deleted.status_code == 302
    assert not Contact.objects.exists()


def test_a_viewer_reads_but_cannot_change(as_role, account):
    # given
    contact = ContactFactory(account=account, first_name="Ada")
    client = as_role(Role.VIEWER)
    detail = reverse("audience:contact_detail", args=[contact.pk])
    # when
    page = client.get(detail)
    edit = client.post(detail, {"phone": "+33612345678", "first_name": "Changed"})
    delete = client.post(reverse("audience:contact_delete", args=[contact.pk]))
    create = client.get(reverse("audience:contact_create"))
    upload = client.get(reverse("audience:contacts_import"))
    # then
    assert page.status_code == 200
    assert '<form method="post" class="card narrow"' not in page.content.decode()
    assert [edit.status_code, delete.status_code, create.status_code, upload.status_code] == [
        403,
        403,
        403,
        403,
    ]
    contact.refresh_from_db()
    assert contact.first_name == "Ada"


def test_another_account_contact_and_job_are_404(as_role, other_account):
    # given
    stranger = ContactFactory(account=other_account)
    job = ImportJob.objects.create(account=other_account, file="imports/x.csv")
    client = as_role(Role.OWNER)
    # then
    for url in [
        reverse("audience:contact_detail", args=[stranger.pk]),
        reverse("audience:import_job", args=[job.pk]),
        reverse("audience:import_progress", args=[job.pk]),
        reverse("audience:import_errors", args=[job.pk]),
        reverse("audience:import_mapping", args=[job.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("audience:contact_delete", args=[stranger.pk])).status_code == 404
    assert Contact.objects.filter(pk=stranger.pk).exists()


def test_upload_then_mapping_then_progress_then_error_rows(as_role, account):
    # given
    client = as_role(Role.MARKETER)
    content = _csv([["Tel", "Nick", "Score"], ["+33612345678", "Ada", "5"], ["bad", "Bob", "6"]])
    # when the file is uploaded for review
    uploaded = client.post(
        reverse("audience:contacts_import"),
        {"file": SimpleUploadedFile("people.csv", content), "review": "on"},
    )
    job = ImportJob.objects.get(account=account)
    # then the mapping step shows each column with a select
    assert uploaded.status_code == 302
    assert uploaded["Location"] == reverse("audience:import_mapping", args=[job.pk])
    mapping_page = client.get(uploaded["Location"])
    html = mapping_page.content.decode()
    assert 'name="col_0"' in html
    assert 'name="col_2"' in html
    assert "Sample values" in html
    assert job.queued_at is None
    # when the person forgets the phone column, then is told so
    missing = client.post(uploaded["Location"], {"col_0": "ignore", "col_1": "first_name"})
    assert missing.status_code == 422
    assert "No phone column" in missing.content.decode()
    # when it maps the columns
    mapped = client.post(
        uploaded["Location"],
        {"col_0": "phone", "col_1": "first_name", "col_2": "attributes.score"},
    )
    assert mapped.status_code == 302
    job.refresh_from_db()
    assert job.queued_at is not None
    assert job.mapping == {"Tel": "phone", "Nick": "first_name", "Score": "attributes.score"}
    # then the job page polls the progress partial while the job waits
    waiting = client.get(reverse("audience:import_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    tasks.contacts_import(job.pk)
    partial = client.get(reverse("audience:import_progress", args=[job.pk]))
    text = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in text
    assert 'hx-trigger="every 1s"' not in text  # finished: polling stops
    assert 'aria-valuenow="100"' in text
    assert 'data-stat="imported">1<' in text
    assert 'data-stat="failed">1<' in text
    # and the rejected rows download as a CSV
    download = client.get(reverse("audience:import_errors", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0] == ["Tel", "Nick", "Score", "import_row", "import_error"]
    assert rows[1][:4] == ["bad", "Bob", "6", "3"]
    assert Contact.objects.get(account=account).attributes == {"score": 5}


def test_upload_without_review_starts_at_once(as_role, account, django_capture_on_commit_callbacks):
    client = as_role(Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("audience:contacts_import"),
            {"file": SimpleUploadedFile("p.csv", _csv([["phone"], ["+33612345678"]]))},
        )
    job = ImportJob.objects.get(account=account)
    assert response["Location"] == reverse("audience:import_job", args=[job.pk])
    assert len(callbacks) == 1


def test_a_bad_upload_is_shown_inline(as_role, account):
    client = as_role(Role.MANAGER)
    response = client.post(
        reverse("audience:contacts_import"),
        {"file": SimpleUploadedFile("p.csv", _csv([["name"], ["Ada"]]))},
    )
    assert response.status_code == 422
    assert "No phone column" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_export_from_the_page(as_role, account):
    ContactFactory(account=account, phone="+33612345678")
    response = as_role(Role.VIEWER).get(reverse("audience:contacts_export"))
    assert response.status_code == 200
    assert "+33612345678" in b"".join(response.streaming_content).decode()
