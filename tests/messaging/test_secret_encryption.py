"""Sender secrets are encrypted at rest, and everything that uses them still works."""

import base64
import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from core import crypto
from messaging.models import SECRET_FIELDS, Sender
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from tests.factories import SenderFactory
from tests.messaging.smtp_server import SmtpServer

SECRETS = {
    "access_token": "EAAG-plain-access-token-1",
    "app_secret": "plain-app-secret-2",
    "verify_token": "plain-verify-token-3",
    "auth_token": "plain-twilio-auth-token-4",
    "smtp_password": "plain-smtp-password-5",
}
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def raw_columns(sender_id: int) -> dict[str, str]:
    """What the database itself holds, read past the model."""
    columns = ", ".join(SECRET_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM messaging_sender WHERE id = %s", [sender_id])
        return dict(zip(SECRET_FIELDS, cursor.fetchone(), strict=True))


def assert_no_plaintext(sender_id: int) -> dict[str, str]:
    raw = raw_columns(sender_id)
    for name, secret in SECRETS.items():
        assert secret not in raw[name]
        assert raw[name].startswith("gAAAAA")  # a Fernet token
    return raw


def test_the_database_holds_no_plaintext_and_the_model_reads_it_back(account):
    sender = SenderFactory(account=account, **SECRETS)

    assert_no_plaintext(sender.pk)
    fresh = Sender.objects.get(pk=sender.pk)
    assert {name: getattr(fresh, name) for name in SECRETS} == SECRETS
    assert list(Sender.objects.filter(pk=sender.pk).values_list("app_secret", flat=True)) == [
        SECRETS["app_secret"]
    ]


def test_secrets_written_through_the_api_are_encrypted(api, account):
    response = api.post(
        "/api/senders",
        json.dumps(
            {
                "name": "Cloud number",
                "channel": "whatsapp",
                "phoneNumberId": "106540352240001",
                "accessToken": SECRETS["access_token"],
                "appSecret": SECRETS["app_secret"],
                "verifyToken": SECRETS["verify_token"],
                "authToken": SECRETS["auth_token"],
                "smtpPassword": SECRETS["smtp_password"],
            }
        ),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert_no_plaintext(response.json()["id"])
    assert response.json()["hasAccessToken"] is True


def test_an_empty_secret_stays_empty_so_unset_ones_can_be_found(account):
    sender = SenderFactory(account=account, access_token="", app_secret="s")

    assert raw_columns(sender.pk)["access_token"] == ""
    assert Sender.objects.filter(pk=sender.pk, access_token="").exists()
    assert Sender.objects.filter(pk=sender.pk).exclude(app_secret="").exists()


def test_comparing_an_encrypted_field_in_a_query_is_refused(account):
    with pytest.raises(FieldError, match="encrypted"):
        Sender.objects.filter(verify_token="plain-verify-token-3").exists()


def send_one(account, **sender_fields):
    """Store a sender with SECRETS, read it back from the database, send one message."""
    stored = SenderFactory(account=account, rate_limit_per_second=0, **sender_fields, **SECRETS)
    adapter = get_adapter(Sender.objects.get(pk=stored.pk))
    message = OutboundMessage(
        recipient_id=1,
        callback_data="recipient:1",
        to_phone="+16505551234",
        to_email="ada@example.org",
        subject="Hi",
        text="Hello",
    )
    try:
        return adapter.send(message)
    finally:
        adapter.close()


def test_the_whatsapp_adapter_sends_the_decrypted_token(account, provider):
    result = send_one(account, channel=Sender.Channel.WHATSAPP, api_base_url=provider.url)

    assert result.ok
    assert provider.requests[0].headers["Authorization"] == f"Bearer {SECRETS['access_token']}"


def test_the_sms_adapter_signs_in_with_the_decrypted_auth_token(account, provider):
    result = send_one(
        account,
        channel=Sender.Channel.SMS,
        api_base_url=provider.url,
        account_sid="AC123",
        from_address="+15005550006",
    )

    assert result.ok
    basic = provider.requests[0].headers["Authorization"].removeprefix("Basic ")
    assert base64.b64decode(basic).decode() == f"AC123:{SECRETS['auth_token']}"


def test_the_email_adapter_logs_in_with_the_decrypted_smtp_password(account):
    with SmtpServer(password=SECRETS["smtp_password"]) as server:
        result = send_one(
            account,
            channel=Sender.Channel.EMAIL,
            api_base_url=f"smtp://mailer@127.0.0.1:{server.port}",
            from_address="Acme <news@acme.example>",
        )

    assert result.ok, result
    assert len(server.mails) == 1


def test_the_webhook_verify_token_is_compared_after_decryption(client, account):
    SenderFactory(account=account, channel=Sender.Channel.WHATSAPP, **SECRETS)
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}

    right = client.get(
        "/webhooks/whatsapp", {**params, "hub.verify_token": SECRETS["verify_token"]}
    )
    wrong = client.get("/webhooks/whatsapp", {**params, "hub.verify_token": "guess"})

    assert (right.status_code, right.content) == (200, b"1158201444")
    assert wrong.status_code == 403


def test_rotation_with_two_keys(account, settings):
    # given: secrets written under the old key
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    sender = SenderFactory(account=account, **SECRETS)
    before = raw_columns(sender.pk)

    # when: a new key is put first and the command re-encrypts
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert Sender.objects.get(pk=sender.pk).access_token == SECRETS["access_token"]
    call_command("rotate_encryption_keys", stdout=io.StringIO())

    # then: every value is a new token that the new key alone opens
    after = assert_no_plaintext(sender.pk)
    new_only = Fernet(NEW_KEY)
    for name, secret in SECRETS.items():
        assert after[name] != before[name]
        assert new_only.decrypt(after[name].encode()).decode() == secret
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    fresh = Sender.objects.get(pk=sender.pk)
    assert {name: getattr(fresh, name) for name in SECRETS} == SECRETS
    # and the old key alone no longer opens them
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    with pytest.raises(crypto.DecryptionFailed, match="FIELD_ENCRYPTION_KEYS"):
        Sender.objects.get(pk=sender.pk)


def test_rotation_without_the_old_key_stops_and_changes_nothing(account, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    sender = SenderFactory(account=account, **SECRETS)
    before = raw_columns(sender.pk)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_keys", stdout=io.StringIO())

    assert raw_columns(sender.pk) == before


def test_the_admin_write_only_boxes_still_work(admin_client, account):
    # given
    sender = SenderFactory(account=account, name="Main number", **SECRETS)
    url = reverse("admin:messaging_sender_change", args=[sender.pk])
    form = {
        "account": account.pk,
        "name": "Main number",
        "channel": sender.channel,
        "is_active": "on",
        "phone_number_id": sender.phone_number_id,
        "display_phone_number": "",
        "from_address": "",
        "account_sid": "",
        "api_base_url": "",
        "rate_limit_per_second": 80,
        **dict.fromkeys(SECRET_FIELDS, ""),
    }

    # when: one box typed, one cleared, the others left empty
    page = admin_client.get(url).content.decode()
    response = admin_client.post(
        url, {**form, "app_secret": "typed-new-secret", "clear_smtp_password": "on"}
    )

    # then
    assert "Stored; leave empty to keep it." in page
    for secret in SECRETS.values():
        assert secret not in page
    assert response.status_code == 302
    fresh = Sender.objects.get(pk=sender.pk)
    assert fresh.app_secret == "typed-new-secret"
    assert fresh.smtp_password == ""
    assert fresh.access_token == SECRETS["access_token"]
    raw = raw_columns(sender.pk)
    assert "typed-new-secret" not in raw["app_secret"]
    assert raw["app_secret"].startswith("gAAAAA")
    assert raw["smtp_password"] == ""
