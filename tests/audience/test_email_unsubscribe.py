"""The public e-mail unsubscribe page: GET confirms and changes nothing, the RFC 8058
one-click POST (as Gmail sends it: form-encoded ``List-Unsubscribe=One-Click``, no cookie, no
CSRF token) and the page's button unsubscribe from e-mail only; a bad token changes nothing."""

import pytest
from django.core import signing
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from analytics.models import Event
from audience.models import Contact
from audience.unsubscribe import email_unsubscribe_path, email_unsubscribe_token
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


def _path(contact, recipient_id=None) -> str:
    return email_unsubscribe_path(
        account_id=contact.account_id, contact_id=contact.pk, recipient_id=recipient_id
    )


def _gmail_post(path: str):
    """RFC 8058 section 3.2 as Gmail's servers send it: a fresh client, CSRF enforced."""
    return Client(enforce_csrf_checks=True).generic(
        "POST",
        path,
        ONE_CLICK_BODY,
        content_type="application/x-www-form-urlencoded",
    )


def test_get_shows_a_confirmation_and_changes_nothing(account):
    contact = ContactFactory(account=account, email="ann@example.org")
    client = Client(enforce_csrf_checks=True)

    response = client.get(_path(contact))
    head = client.head(_path(contact))

    assert response.status_code == 200
    assert head.status_code == 200
    page = response.content.decode()
    assert 'data-state="confirm"' in page
    assert "a•••@example.org" in page  # masked
    assert "ann@example.org" not in page
    assert "Acme" in page
    assert '<form method="post"' in page
    assert "csrfmiddlewaretoken" in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert "Content-Security-Policy" in response
    contact.refresh_from_db()
    assert contact.email_opted_out_at is None
    assert not Event.objects.filter(contact=contact).exists()


def test_one_click_post_as_gmail_sends_it_unsubscribes_from_email_only(account):
    contact = ContactFactory(account=account)

    response = _gmail_post(_path(contact, recipient_id=41))

    assert response.status_code == 200
    assert 'data-state="done"' in response.content.decode()
    contact.refresh_from_db()
    assert contact.email_opted_out_at is not None
    assert contact.subscribed  # other channels untouched
    event = Event.objects.get(contact=contact)
    assert event.type == Event.Type.UNSUBSCRIBED
    assert event.data == {
        "source": "one-click",
        "channel": "email",
        "email": contact.email,
        "recipientId": 41,
    }


def test_one_click_as_multipart_form_data_works_too(account):
    """RFC 8058 allows the POST as multipart/form-data as well."""
    contact = ContactFactory(account=account)
    response = Client(enforce_csrf_checks=True).post(
        _path(contact), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.email_opted_out_at is not None


def test_a_second_unsubscribe_changes_nothing_more(account):
    contact = ContactFactory(account=account)
    _gmail_post(_path(contact))
    contact.refresh_from_db()
    first = contact.email_opted_out_at

    again = _gmail_post(_path(contact))
    page = Client().get(_path(contact))

    assert again.status_code == 200
    contact.refresh_from_db()
    assert contact.email_opted_out_at == first
    assert Event.objects.filter(contact=contact).count() == 1
    assert 'data-state="done"' in page.content.decode()


def test_the_pages_button_needs_its_csrf_token(account):
    contact = ContactFactory(account=account)
    client = Client(enforce_csrf_checks=True)

    forged = client.post(_path(contact), {})  # no token, not the one-click body

    assert forged.status_code == 403
    assert 'data-state="expired"' in forged.content.decode()
    contact.refresh_from_db()
    assert contact.email_opted_out_at is None

    page = client.get(_path(contact))
    token = page.context["csrf_token"]
    pressed = client.post(_path(contact), {"csrfmiddlewaretoken": str(token)})

    assert pressed.status_code == 200
    assert 'data-state="done"' in pressed.content.decode()
    contact.refresh_from_db()
    assert contact.email_opted_out_at is not None
    assert Event.objects.get(contact=contact).data["source"] == "email-link"


def _tampered(contact) -> list[str]:
    good = email_unsubscribe_token(account_id=contact.account_id, contact_id=contact.pk)
    value, signature = good.rsplit(":", 1)
    other_salt = signing.Signer(salt="another-purpose").sign_object(
        {"a": contact.account_id, "c": contact.pk}
    )
    forged_payload = signing.Signer(salt="x").sign_object(
        {"a": contact.account_id, "c": contact.pk + 1}
    )
    return [
        good[:-1] + ("A" if good[-1] != "A" else "B"),  # signature changed
        f"{value}x:{signature}",  # payload changed
        forged_payload.rsplit(":", 1)[0] + ":" + signature,  # another contact, old signature
        other_salt,  # signed by us, for another purpose
        value,  # no signature
        "nonsense",
        "a:b:c:d",
        "%00",
        "🦄",
    ]


def test_a_bad_or_tampered_token_gets_a_friendly_400_and_changes_nothing(account):
    contact = ContactFactory(account=account)
    for token in _tampered(contact):
        path = f"/unsubscribe/email/{token}/"
        for response in (Client().get(path), _gmail_post(path)):
            assert response.status_code == 400, token
            assert 'data-state="invalid"' in response.content.decode()
            assert "This link does not work" in response.content.decode()
    contact.refresh_from_db()
    assert contact.email_opted_out_at is None
    assert not Event.objects.exists()


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    token=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"),
        min_size=1,
    )
)
def test_no_token_is_ever_a_server_error(account, token):
    response = Client(raise_request_exception=False).post(
        f"/unsubscribe/email/{token}/",
        ONE_CLICK_BODY,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (400, 404), (token, response.status_code)
    assert not Contact.objects.filter(email_opted_out_at__isnull=False).exists()


def test_a_deleted_contact_is_told_it_is_off_the_list(account):
    contact = ContactFactory(account=account)
    path = _path(contact)
    contact.delete()

    assert Client().get(path).status_code == 200
    response = _gmail_post(path)
    assert response.status_code == 200
    assert 'data-state="done"' in response.content.decode()


def test_other_methods_are_refused(account):
    contact = ContactFactory(account=account)
    assert Client().put(_path(contact)).status_code == 405
    assert Client().delete(_path(contact)).status_code == 405
    contact.refresh_from_db()
    assert contact.email_opted_out_at is None
