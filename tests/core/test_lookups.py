from django.db import connection
from django.test.utils import CaptureQueriesContext

from audience.models import Contact
from tests.factories import ContactFactory


def test_any_of_selects_what_in_selects(account):
    # given
    contacts = [ContactFactory(account=account, phone=f"+3361000000{n}") for n in range(5)]
    wanted = [contacts[1].phone, contacts[3].phone, "+33699999999"]
    # when
    by_any = set(Contact.objects.filter(phone__any_of=wanted).values_list("pk", flat=True))
    by_in = set(Contact.objects.filter(phone__in=wanted).values_list("pk", flat=True))
    by_id = set(
        Contact.objects.filter(pk__any_of=[contacts[0].pk, contacts[4].pk]).values_list(
            "pk", flat=True
        )
    )
    # then
    assert by_any == by_in == {contacts[1].pk, contacts[3].pk}
    assert by_id == {contacts[0].pk, contacts[4].pk}
    assert not Contact.objects.filter(phone__any_of=[]).exists()


def test_any_of_sends_one_parameter_on_postgresql(account):
    # given
    phones = [f"+3361{n:07d}" for n in range(500)]
    # when
    with CaptureQueriesContext(connection) as queries:
        list(Contact.objects.filter(phone__any_of=phones))
    # then
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
        assert " IN (" not in sql
    else:
        assert " IN (" in sql
