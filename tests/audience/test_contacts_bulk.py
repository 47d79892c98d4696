import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audience.models import Contact
from audience.services.contacts import contacts_upsert
from tests.factories import AttributeDefinitionFactory, ContactFactory, TagFactory

JSON = "application/json"


def _phone(n: int) -> str:
    return f"+336{10000000 + n}"


@pytest.mark.slow
def test_ten_thousand_contacts_in_one_call(api, account):
    # given 9,000 new contacts and 1,000 already known
    AttributeDefinitionFactory(account=account, key="points", type="number")
    TagFactory(account=account, name="known")
    Contact.objects.bulk_create(
        [Contact(account=account, phone=_phone(n), first_name="Old") for n in range(1000)]
    )
    items = [
        {
            "phone": _phone(n),
            "firstName": f"N{n}",
            "tags": ["spring", "known"],
            "attributes": {"points": n},
        }
        for n in range(10_000)
    ]
    # when
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/contacts/bulk", {"contacts": items}, content_type=JSON)
    # then
    assert response.status_code == 200, response.content[:500]
    assert response.json() == {"created": 9000, "updated": 1000, "failed": 0, "errors": []}
    assert Contact.objects.filter(account=account).count() == 10_000
    sample = Contact.objects.get(phone=_phone(500))
    assert sample.first_name == "N500"
    assert sample.attributes == {"points": 500}
    assert sample.country == "FR"
    assert sample.timezone == "Europe/Paris"
    assert sorted(sample.tags.values_list("name", flat=True)) == ["known", "spring"]
    assert Contact.tags.through.objects.filter(contact__account=account).count() == 20_000
    # set-based: batched statements (SQLite's 999-parameter limit splits inserts), never one
    # query per contact
    assert len(queries) < len(items) / 50


def test_bad_items_are_reported_with_their_index_and_the_rest_is_written(api, account):
    # given
    AttributeDefinitionFactory(account=account, key="birthday", type="date")
    existing = ContactFactory(account=account, phone="+33612345678", email="old@example.com")
    items = [
        {"phone": "+33612345678", "email": "new@example.com"},
        {"phone": "garbage"},
        {"phone": "+33612345679", "attributes": {"birthday": "31/12/1990"}},
        {"email": "nophone@example.com"},
        {"phone": "+33612345680", "email": "a@@b"},
        "not an object",
        {"phone": "06 12 34 56 81", "subscribed": "no"},
    ]
    # when
    response = api.post("/api/contacts/bulk", {"contacts": items}, content_type=JSON)
    # then
    body = response.json()
    assert response.status_code == 200
    assert (body["created"], body["updated"], body["failed"]) == (0, 1, 6)
    failed = {e["index"]: e["errors"][0]["field"] for e in body["errors"]}
    assert failed == {
        1: "phone",
        2: "attributes.birthday",
        3: "phone",
        4: "email",
        5: "",
        6: "phone",  # a French national number is not valid in the account's region (US)
    }
    existing.refresh_from_db()
    assert existing.email == "new@example.com"
    assert Contact.objects.filter(account=account).count() == 1


def test_a_phone_twice_in_one_call_is_one_contact(api, account):
    # when
    response = api.post(
        "/api/contacts/bulk",
        {
            "contacts": [
                {"phone": "+33612345678", "firstName": "A", "tags": ["x"]},
                {"phone": "+33 6 12 34 56 78", "lastName": "B", "tags": ["y"]},
            ]
        },
        content_type=JSON,
    )
    # then
    assert response.json()["created"] == 1
    assert response.json()["updated"] == 1
    contact = Contact.objects.get(account=account)
    assert (contact.first_name, contact.last_name) == ("A", "B")
    assert sorted(contact.tags.values_list("name", flat=True)) == ["x", "y"]


def test_unsubscribing_in_bulk_stamps_the_time(api, account):
    # given
    contact = ContactFactory(account=account, phone="+33612345678")
    # when
    api.post(
        "/api/contacts/bulk",
        {"contacts": [{"phone": "+33612345678", "subscribed": False}]},
        content_type=JSON,
    )
    # then
    contact.refresh_from_db()
    assert contact.subscribed is False
    assert contact.unsubscribed_at is not None


def test_more_than_ten_thousand_is_refused(api, account):
    # when
    items = [{"phone": _phone(n)} for n in range(10_001)]
    response = api.post("/api/contacts/bulk", {"contacts": items}, content_type=JSON)
    # then
    assert response.status_code == 422
    assert not Contact.objects.exists()


def test_bulk_never_touches_another_account(api, account, other_account):
    # given
    theirs = ContactFactory(account=other_account, phone="+33612345678", first_name="Theirs")
    # when
    response = api.post(
        "/api/contacts/bulk",
        {"contacts": [{"phone": "+33612345678", "firstName": "Mine"}]},
        content_type=JSON,
    )
    # then
    assert response.json()["created"] == 1
    theirs.refresh_from_db()
    assert theirs.first_name == "Theirs"
    assert Contact.objects.get(account=account).first_name == "Mine"


def _is_contacts_insert(sql: str, params) -> bool:
    """The upsert's insert of new contacts: the ids reserved before PostgreSQL's COPY, or the
    ORM's bulk INSERT elsewhere. Read from the SQL so the test needs no private hook."""
    if sql.startswith("SELECT nextval(pg_get_serial_sequence("):
        return params[0] == Contact._meta.db_table
    return sql.startswith(f'INSERT INTO "{Contact._meta.db_table}"')


def test_a_phone_inserted_meanwhile_is_retried_not_a_500(api, account):
    # given a writer that inserts one of the batch's phones between our lookup and our insert
    calls = []
    racing = []

    def racing_writer(execute, sql, params, many, context):
        if not racing and _is_contacts_insert(sql, params):
            calls.append(sql)
            if len(calls) == 1:
                racing.append(True)
                Contact.objects.create(account=account, phone=_phone(0), first_name="Racer")
                racing.clear()
        return execute(sql, params, many, context)

    items = [{"phone": _phone(n), "firstName": f"N{n}"} for n in range(3)]
    # when
    with connection.execute_wrapper(racing_writer):
        response = api.post("/api/contacts/bulk", {"contacts": items}, content_type=JSON)
    # then the unique constraint's error rolled the attempt back and the retry wrote all three
    assert response.status_code == 200, response.content[:500]
    assert len(calls) == 2
    assert response.json()["failed"] == 0
    assert Contact.objects.filter(account=account).count() == 3
    assert Contact.objects.get(phone=_phone(0)).first_name == "N0"


def test_the_phone_lookup_sees_only_the_account_s_contacts(account, other_account):
    # given the same number in two accounts, and one number only in the other account
    ours = ContactFactory(account=account, phone=_phone(1), first_name="Ours")
    theirs = ContactFactory(account=other_account, phone=_phone(1), first_name="Theirs")
    ContactFactory(account=other_account, phone=_phone(2))
    cleans = [(n, {"phone": _phone(n), "first_name": f"N{n}"}) for n in (1, 2, 3)]
    # when
    result = contacts_upsert(account=account, cleans=cleans)
    # then only our own contact is found and updated; the other account's numbers are new here
    assert result.outcome == {1: "updated", 2: "created", 3: "created"}
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.first_name, theirs.first_name) == ("N1", "Theirs")
    assert Contact.objects.filter(account=account).count() == 3
