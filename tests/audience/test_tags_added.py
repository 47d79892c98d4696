"""Tags added to contacts, by every path, and the ``tags_added`` signal that journeys will
start on: it hears of links that are new, never of a tag a contact keeps; and
``POST /api/contacts/tags`` adds or removes tags on many contacts in one call."""

import pytest

from accounts.models import Role
from accounts.services import api_key_create
from audience import ports
from audience.models import Contact, Tag
from audience.services import contacts as contact_services
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """The (contact id, tag name) pairs ``tags_added`` announced, in order."""
    calls: list[tuple[int, str]] = []

    def receiver(sender, account, pairs, **kwargs):
        names = dict(Tag.objects.filter(pk__in=[t for _, t in pairs]).values_list("pk", "name"))
        calls.extend((cid, names[tid]) for cid, tid in pairs)

    ports.tags_added.connect(receiver)
    yield calls
    ports.tags_added.disconnect(receiver)


def _names(contact):
    return sorted(Contact.objects.get(pk=contact.pk).tags.values_list("name", flat=True))


def test_a_new_contact_s_tags_are_announced(account, heard):
    # when
    contact = contact_services.contact_create(
        account=account, data={"phone": "+33612345678", "tags": ["vip", "spring"]}
    )

    # then
    assert sorted(heard) == [(contact.pk, "spring"), (contact.pk, "vip")]


def test_an_update_announces_only_the_tag_that_is_new_and_removes_the_dropped_one(account, heard):
    # given a contact tagged vip and old
    contact = contact_services.contact_create(
        account=account, data={"phone": "+33612345679", "tags": ["vip", "old"]}
    )
    heard.clear()
    vip_link = Contact.tags.through.objects.get(contact=contact, tag__name="vip").pk

    # when its tags become vip and new
    contact_services.contact_update(contact=contact, data={"tags": ["vip", "new"]})

    # then only "new" is announced, vip's link is the same row, old is gone
    assert heard == [(contact.pk, "new")]
    assert _names(contact) == ["new", "vip"]
    assert Contact.tags.through.objects.get(contact=contact, tag__name="vip").pk == vip_link


def test_a_bulk_upsert_announces_new_links_only(account, heard):
    # given one known contact with vip
    known = contact_services.contact_create(
        account=account, data={"phone": "+33612345670", "tags": ["vip"]}
    )
    heard.clear()

    # when a bulk call gives it vip and spring, and creates another with vip
    answer = contact_services.contacts_bulk_upsert(
        account=account,
        items=[
            {"phone": "+33612345670", "tags": ["vip", "spring"]},
            {"phone": "+33612345671", "tags": ["vip"]},
        ],
    )

    # then
    assert (answer["created"], answer["updated"]) == (1, 1)
    other = Contact.objects.get(phone="+33612345671")
    assert sorted(heard) == [(known.pk, "spring"), (other.pk, "vip")]


def _tag(api, **body):
    return api.post("/api/contacts/tags", body, content_type="application/json")


def test_the_api_tags_many_contacts_once_and_leaves_other_accounts_alone(
    api, account, other_account, heard
):
    # given three contacts, one already vip, and another account's contact
    mine = [ContactFactory(account=account) for _ in range(3)]
    mine[0].tags.add(Tag.objects.create(account=account, name="vip"))
    theirs = ContactFactory(account=other_account)
    ids = [c.pk for c in mine] + [theirs.pk, 987654321]

    # when vip is added to all of them, twice
    first = _tag(api, contactIds=ids, add=["vip"])
    second = _tag(api, contactIds=ids, add=["vip"])

    # then two links are new, the other account's contact and the unknown id are not found
    assert first.status_code == 200, first.content
    assert first.json() == {"added": 2, "removed": 0, "notFound": 2}
    assert second.json() == {"added": 0, "removed": 0, "notFound": 2}
    assert sorted(heard) == sorted((c.pk, "vip") for c in mine[1:])
    assert not theirs.tags.exists()
    assert not Tag.objects.filter(account=other_account).exists()

    # and removing it takes it off the three
    removed = _tag(api, contactIds=ids, remove=["vip"])
    assert removed.json() == {"added": 0, "removed": 3, "notFound": 2}
    assert all(_names(c) == [] for c in mine)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contactIds": [1]}, "add"),
        ({"contactIds": [1], "add": ["a"], "remove": ["a"]}, "remove"),
        ({"contactIds": [1], "add": ["x" * 200]}, "tags"),
    ],
)
def test_bad_calls_are_422_and_change_nothing(api, account, body, field):
    contact = ContactFactory(account=account)
    body["contactIds"] = [contact.pk]

    response = _tag(api, **body)

    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert not contact.tags.exists()


def test_more_ids_than_a_call_takes_is_a_422(api):
    too_many = _tag(api, contactIds=list(range(1, 100_002)), add=["vip"])
    too_large = _tag(api, contactIds=[2**63], add=["vip"])

    assert (too_many.status_code, too_large.status_code) == (422, 422)
    assert not Tag.objects.exists()


def test_a_viewer_key_cannot_tag(client, account):
    _, raw = api_key_create(account=account, name="viewer", role=Role.VIEWER)
    contact = ContactFactory(account=account)

    response = client.post(
        "/api/contacts/tags",
        {"contactIds": [contact.pk], "add": ["vip"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert response.status_code == 403
    assert not contact.tags.exists()
