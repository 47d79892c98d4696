import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.services import api_key_create
from audience.models import AttributeDefinition, Contact, Tag
from tests.factories import AttributeDefinitionFactory, ContactFactory, TagFactory

JSON = "application/json"


def test_create_normalises_the_phone_and_derives_country_and_zone(api, account):
    # given
    AttributeDefinitionFactory(account=account, key="points", type="number")
    # when
    response = api.post(
        "/api/contacts",
        {
            "phone": "(212) 555-1234",
            "email": "Ada@Example.com",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "tags": ["vip", "newsletter"],
            "attributes": {"points": "12"},
        },
        content_type=JSON,
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone"] == "+12125551234"
    assert body["country"] == "US"
    assert body["timezone"] == "America/New_York"
    assert body["email"] == "ada@example.com"
    assert body["tags"] == ["newsletter", "vip"]
    assert body["attributes"] == {"points": 12}
    assert body["subscribed"] is True
    assert set(body) >= {"id", "firstName", "lastName", "createdAt", "unsubscribedAt"}
    contact = Contact.objects.get(pk=body["id"])
    assert contact.account == account
    assert set(Tag.objects.filter(account=account).values_list("name", flat=True)) == {
        "vip",
        "newsletter",
    }


def test_a_national_number_is_read_with_the_account_region(api, account):
    # given
    account.default_phone_region = "FR"
    account.save(update_fields=["default_phone_region"])
    # when
    response = api.post(
        "/api/contacts", {"phone": "06 12 34 56 78", "timezone": "Asia/Tokyo"}, content_type=JSON
    )
    # then
    assert response.status_code == 201
    assert response.json()["phone"] == "+33612345678"
    assert response.json()["country"] == "FR"
    assert response.json()["timezone"] == "Asia/Tokyo"


def test_a_duplicate_phone_is_a_422(api, account):
    # given
    ContactFactory(account=account, phone="+33612345678")
    # when
    response = api.post("/api/contacts", {"phone": "+33 6 12 34 56 78"}, content_type=JSON)
    # then
    assert response.status_code == 422
    assert response.json()["detail"] == "phone: a contact with this number exists"
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phone": "not a phone"}, "phone"),
        ({"phone": "+33612345678", "email": "nope@"}, "email"),
        ({"phone": "+33612345678", "timezone": "Mars/Olympus"}, "timezone"),
        ({"phone": "+33612345678", "attributes": {"points": "many"}}, "attributes.points"),
        ({"phone": "+33612345678", "attributes": {"birthday": "tomorrow"}}, "attributes.birthday"),
        ({"phone": "+33612345678", "firstName": "x" * 101}, "firstName"),
        ({}, "phone"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(api, account, payload, field):
    # given
    AttributeDefinitionFactory(account=account, key="points", type="number")
    AttributeDefinitionFactory(account=account, key="birthday", type="date")
    # when
    response = api.post("/api/contacts", payload, content_type=JSON)
    # then
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Contact.objects.exists()


def test_an_unknown_attribute_is_defined_from_its_json_type(api, account):
    # when
    response = api.post(
        "/api/contacts",
        {"phone": "+33612345678", "attributes": {"vip": True, "score": 3.5, "city": "Lyon"}},
        content_type=JSON,
    )
    # then
    assert response.status_code == 201
    types = dict(AttributeDefinition.objects.filter(account=account).values_list("key", "type"))
    assert types == {"vip": "boolean", "score": "number", "city": "text"}


def test_list_pages_and_filters(api, account, other_account):
    # given
    vip = TagFactory(account=account, name="vip")
    ada = ContactFactory(account=account, first_name="Ada", last_name="L", phone="+33611111111")
    ada.tags.add(vip)
    ContactFactory(account=account, first_name="Bob", last_name="B", subscribed=False)
    ContactFactory.create_batch(3, account=account, first_name="Cy", last_name="C")
    ContactFactory(account=other_account, first_name="Ada")
    # when
    everything = api.get("/api/contacts", {"pageSize": 2, "page": 2}).json()
    by_name = api.get("/api/contacts", {"q": "ada"}).json()
    by_phone = api.get("/api/contacts", {"q": "611111"}).json()
    by_tag = api.get("/api/contacts", {"tag": "vip"}).json()
    unsubscribed = api.get("/api/contacts", {"subscribed": "false"}).json()
    # then
    assert everything["count"] == 5
    assert len(everything["items"]) == 2
    assert [c["id"] for c in by_name["items"]] == [ada.pk]
    assert [c["id"] for c in by_phone["items"]] == [ada.pk]
    assert by_tag["items"][0]["tags"] == ["vip"]
    assert by_tag["count"] == 1
    assert [c["firstName"] for c in unsubscribed["items"]] == ["Bob"]


def test_list_queries_do_not_grow_with_the_page(api, account):
    # given
    ContactFactory.create_batch(30, account=account)
    api.get("/api/contacts")  # the key's first use of the minute is recorded once
    # when
    with CaptureQueriesContext(connection) as small:
        api.get("/api/contacts", {"pageSize": 5})
    with CaptureQueriesContext(connection) as large:
        api.get("/api/contacts", {"pageSize": 30})
    # then
    assert len(large) == len(small)


def test_get_put_delete(api, account):
    # given
    AttributeDefinitionFactory(account=account, key="points", type="number")
    contact = ContactFactory(account=account, phone="+33612345678", attributes={"points": 1})
    contact.tags.add(TagFactory(account=account, name="old"))
    url = f"/api/contacts/{contact.pk}"
    # when
    got = api.get(url)
    put = api.put(
        url,
        {"firstName": "Grace", "tags": ["new"], "subscribed": False, "attributes": {"points": 5}},
        content_type=JSON,
    )
    # then
    assert got.status_code == 200
    assert got.json()["tags"] == ["old"]
    assert put.status_code == 200, put.json()
    body = put.json()
    assert body["firstName"] == "Grace"
    assert body["tags"] == ["new"]
    assert body["subscribed"] is False
    assert body["unsubscribedAt"] is not None
    assert body["attributes"] == {"points": 5}
    contact.refresh_from_db()
    assert contact.unsubscribed_at is not None
    assert contact.last_name  # untouched
    # when re-subscribed, then deleted
    again = api.put(url, {"subscribed": True}, content_type=JSON).json()
    assert again["unsubscribedAt"] is None
    assert api.delete(url).status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_put_to_a_number_of_another_contact_is_a_422(api, account):
    # given
    ContactFactory(account=account, phone="+33612345678")
    other = ContactFactory(account=account, phone="+33612345679")
    # when
    response = api.put(f"/api/contacts/{other.pk}", {"phone": "+33612345678"}, content_type=JSON)
    # then
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.phone == "+33612345679"


def test_another_account_contact_is_a_404(api, other_account):
    # given
    stranger = ContactFactory(account=other_account)
    url = f"/api/contacts/{stranger.pk}"
    # when
    answers = [
        api.get(url),
        api.put(url, {"firstName": "X"}, content_type=JSON),
        api.delete(url),
    ]
    # then
    assert [r.status_code for r in answers] == [404, 404, 404]
    stranger.refresh_from_db()
    assert stranger.first_name != "X"


def test_without_a_key_it_is_a_401(client, account):
    ContactFactory(account=account)
    assert client.get("/api/contacts").status_code == 401
    assert client.post("/api/contacts", {}, content_type=JSON).status_code == 401


def test_a_viewer_key_reads_but_cannot_write(client, account):
    # given
    _, raw = api_key_create(account=account, name="ro", role=Role.VIEWER)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    contact = ContactFactory(account=account)
    # when
    listed = client.get("/api/contacts", **auth)
    created = client.post("/api/contacts", {"phone": "+33612345678"}, content_type=JSON, **auth)
    deleted = client.delete(f"/api/contacts/{contact.pk}", **auth)
    # then
    assert listed.status_code == 200
    assert created.status_code == 403
    assert deleted.status_code == 403
    assert Contact.objects.count() == 1
