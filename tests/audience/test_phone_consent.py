"""A STOP reply reaches audience's opt-out through ``core.consent``: messaging names the port,
audience registers the implementation when it starts."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from analytics.models import Event
from audience.services import phone_consent
from core import consent
from messaging.services.inbound import contacts_unsubscribe_by_sms
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_an_sms_stop_unsubscribes_the_number_with_one_event(account):
    # given a subscribed contact
    contact = ContactFactory(account=account, phone="+16505559876")

    # when its number replies STOP by SMS, as the provider writes it
    assert contacts_unsubscribe_by_sms(account_id=account.pk, phones=["16505559876"], at=AT) == 1

    # then it is unsubscribed, and the log says how
    contact.refresh_from_db()
    assert (contact.subscribed, contact.unsubscribed_at) == (False, AT)
    event = Event.objects.get(contact=contact)
    assert (event.type, event.data) == ("unsubscribed", {"source": "sms", "phone": contact.phone})


def test_an_unknown_channel_is_refused(account):
    with pytest.raises(ValueError, match="email"):
        phone_consent.contacts_unsubscribe_by_reply(
            account_id=account.pk,
            channel="email",  # type: ignore[arg-type]
            addresses=["a@example.com"],
        )


def test_without_audience_a_stop_is_not_dropped_silently(account, monkeypatch):
    monkeypatch.setattr(consent.replies_unsubscribe, "_implementation", None)

    with pytest.raises(ImproperlyConfigured, match="audience"):
        contacts_unsubscribe_by_sms(account_id=account.pk, phones=["+16505559876"])
