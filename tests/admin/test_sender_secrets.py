"""Sender credentials are write-only in the admin: typed in, never rendered back."""

import pytest
from django.urls import reverse

from messaging.models import SECRET_FIELDS, Sender
from tests.factories import SenderFactory

SECRETS = {
    "access_token": "EAAG-very-secret-token-1",
    "app_secret": "app-secret-value-2",
    "verify_token": "verify-token-value-3",
    "auth_token": "twilio-auth-token-4",
    "smtp_password": "smtp-password-5",
}


@pytest.fixture
def sender(account):
    return SenderFactory(account=account, name="Main number", **SECRETS)


def _form_data(sender: Sender, **overrides) -> dict:
    data = {
        "account": sender.account_id,
        "name": sender.name,
        "channel": sender.channel,
        "is_active": "on",
        "phone_number_id": sender.phone_number_id,
        "display_phone_number": sender.display_phone_number,
        "from_address": sender.from_address,
        "account_sid": sender.account_sid,
        "api_base_url": sender.api_base_url,
        "rate_limit_per_second": sender.rate_limit_per_second,
        **dict.fromkeys(SECRET_FIELDS, ""),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_changelist_and_change_page_never_render_a_secret(admin_client, sender):
    # when staff open the list, a search, the change page and the history
    pages = [
        admin_client.get(reverse("admin:messaging_sender_changelist")),
        admin_client.get(reverse("admin:messaging_sender_changelist"), {"q": "Main"}),
        admin_client.get(reverse("admin:messaging_sender_change", args=[sender.pk])),
        admin_client.get(reverse("admin:messaging_sender_history", args=[sender.pk])),
    ]

    # then none of them contains any stored secret, while the sender itself is shown
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "Main number" in html
        for secret in SECRETS.values():
            assert secret not in html
    change_html = pages[2].content.decode()
    assert 'type="password" name="access_token"' in change_html
    assert "Stored; leave empty to keep it." in change_html


@pytest.mark.django_db
def test_saving_with_blank_secrets_keeps_the_stored_values(admin_client, sender):
    url = reverse("admin:messaging_sender_change", args=[sender.pk])

    response = admin_client.post(url, _form_data(sender, name="Renamed number"))

    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.name == "Renamed number"
    for name, secret in SECRETS.items():
        assert getattr(sender, name) == secret


@pytest.mark.django_db
def test_a_typed_secret_replaces_the_stored_one_and_clear_removes_it(admin_client, sender):
    url = reverse("admin:messaging_sender_change", args=[sender.pk])

    response = admin_client.post(
        url,
        _form_data(sender, access_token="EAAG-rotated-token", clear_app_secret="on"),
    )

    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.access_token == "EAAG-rotated-token"
    assert sender.app_secret == ""
    assert sender.verify_token == SECRETS["verify_token"]
    page = admin_client.get(url).content.decode()
    assert "EAAG-rotated-token" not in page


@pytest.mark.django_db
def test_adding_a_sender_stores_the_typed_secrets(admin_client, account):
    response = admin_client.post(
        reverse("admin:messaging_sender_add"),
        {
            "account": account.pk,
            "name": "New WhatsApp number",
            "channel": Sender.Channel.WHATSAPP,
            "is_active": "on",
            "phone_number_id": "109876543210",
            "api_base_url": "https://graph.facebook.com/v21.0",
            "rate_limit_per_second": 80,
            "access_token": "EAAG-new-token",
            "app_secret": "",
            "verify_token": "",
            "auth_token": "",
            "smtp_password": "",
        },
    )

    assert response.status_code == 302
    sender = Sender.objects.get(phone_number_id="109876543210")
    assert sender.access_token == "EAAG-new-token"
    assert sender.app_secret == ""
