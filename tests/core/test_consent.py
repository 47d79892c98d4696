"""``core.consent``: messaging reaches audience's opt-outs through ports audience registers."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from audience import unsubscribe
from audience.services import phone_consent
from core import consent


def test_audience_implements_both_ports():
    assert consent.replies_unsubscribe.get() is phone_consent.contacts_unsubscribe_by_reply
    assert consent.email_unsubscribe_link.get() is unsubscribe.email_unsubscribe_url


def test_the_link_is_audiences_signed_link(settings):
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"

    url = consent.email_unsubscribe_url(account_id=1, contact_id=2, recipient_id=3)

    token = url.removeprefix("https://campaigns.example.com/unsubscribe/email/").rstrip("/")
    claim = unsubscribe.email_unsubscribe_read(token)
    assert claim == unsubscribe.UnsubscribeClaim(account_id=1, contact_id=2, recipient_id=3)


def test_without_audience_an_email_is_not_sent_without_its_link(monkeypatch):
    monkeypatch.setattr(consent.email_unsubscribe_link, "_implementation", None)

    with pytest.raises(ImproperlyConfigured, match="audience"):
        consent.email_unsubscribe_url(account_id=1, contact_id=2)
