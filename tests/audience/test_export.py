import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse

from audience import tasks
from audience.models import Contact
from tests.factories import (
    AttributeDefinitionFactory,
    ContactFactory,
    SegmentFactory,
    TagFactory,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _rows(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_export_streams_every_contact_with_tags_and_attributes(api, account, other_account):
    # given
    AttributeDefinitionFactory(account=account, key="points", type="number")
    AttributeDefinitionFactory(account=account, key="vip", type="boolean")
    ada = ContactFactory(
        account=account,
        phone="+33612345678",
        first_name="Ada",
        attributes={"points": 3, "vip": True},
    )
    ada.tags.add(TagFactory(account=account, name="b"), TagFactory(account=account, name="a"))
    Contact.objects.bulk_create(
        [Contact(account=account, phone=f"+336200{n:05d}") for n in range(4500)]
    )
    ContactFactory(account=other_account, first_name="Stranger")
    # when
    response = api.get("/api/contacts/export")
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert len(rows) == 4501
    first = next(r for r in rows if r["phone"] == "+33612345678")
    assert first["first_name"] == "Ada"
    assert first["tags"] == "a;b"
    assert first["points"] == "3"
    assert first["vip"] == "true"
    assert first["subscribed"] == "true"
    assert not any(r["first_name"] == "Stranger" for r in rows)


def test_export_of_a_segment_has_only_its_contacts(api, account):
    # given
    segment = SegmentFactory(
        account=account,
        filters={"op": "and", "rules": [{"field": "country", "operator": "eq", "value": "FR"}]},
    )
    ContactFactory(account=account, country="FR", phone="+33612345678")
    ContactFactory(account=account, country="DE", phone="+4915112345678")
    # when
    response = api.get("/api/contacts/export", {"segmentId": segment.pk})
    # then
    assert response.status_code == 200
    assert [r["phone"] for r in _rows(response)] == ["+33612345678"]
    assert f"segment-{segment.pk}" in response["Content-Disposition"]


def test_another_account_segment_is_a_404(api, other_account):
    segment = SegmentFactory(account=other_account)
    response = api.get("/api/contacts/export", {"segmentId": segment.pk})
    assert response.status_code == 404


def test_formulas_in_free_text_are_neutralised(api, account):
    # given
    ContactFactory(account=account, phone="+33612345678", first_name="=HYPERLINK(1)")
    # when
    rows = _rows(api.get("/api/contacts/export"))
    # then
    assert rows[0]["first_name"] == "'=HYPERLINK(1)"
    assert rows[0]["phone"] == "+33612345678"


def test_an_export_reimports_as_it_is(api, account):
    # given
    AttributeDefinitionFactory(account=account, key="birthday", type="date")
    contact = ContactFactory(
        account=account,
        phone="+33612345678",
        email="ada@example.com",
        attributes={"birthday": "1815-12-10"},
        subscribed=False,
    )
    contact.tags.add(TagFactory(account=account, name="vip"))
    content = b"".join(api.get("/api/contacts/export").streaming_content)
    Contact.objects.all().delete()
    # when
    response = api.post("/api/contacts/import", {"file": SimpleUploadedFile("export.csv", content)})
    tasks.contacts_import(response.json()["jobId"])
    # then
    status = api.get(f"/api/contacts/import/{response.json()['jobId']}").json()
    assert (status["imported"], status["failed"]) == (1, 0)
    again = Contact.objects.get(account=account)
    assert again.email == "ada@example.com"
    assert again.attributes == {"birthday": "1815-12-10"}
    assert again.subscribed is False
    assert list(again.tags.values_list("name", flat=True)) == ["vip"]
    assert status["newAttributes"] == []
