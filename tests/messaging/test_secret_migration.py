"""The migration encrypts the plaintext secrets an existing install holds, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import AccountFactory

BEFORE = [("messaging", "0002_ratebucket_sender_simulate_statuses_sandboxmessage")]
AFTER = [("messaging", "0003_encrypt_sender_secrets")]
PLAIN = {
    "access_token": "EAAG-legacy-token",
    "app_secret": "legacy-app-secret",
    "verify_token": "",
    "auth_token": "legacy-auth-token",
    "smtp_password": "legacy-smtp-password",
}


def migrate(targets=None):
    """Migrate to ``targets``; with none, to the latest of every app (the test's end state)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def raw_secrets(sender_id):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(PLAIN)} FROM messaging_sender WHERE id = %s", [sender_id]
        )
        return dict(zip(PLAIN, cursor.fetchone(), strict=True))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_plaintext_and_reverses():
    account = AccountFactory()
    try:
        # given: an install from before encryption, its secrets in plain text
        migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO messaging_sender (created_at, updated_at, account_id, name, channel,"
                " phone_number_id, display_phone_number, api_base_url, account_sid,"
                " from_address, access_token, app_secret, verify_token, auth_token,"
                " smtp_password, rate_limit_per_second, is_active, simulate_statuses)"
                " VALUES (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, %s, 'Old', 'whatsapp', '1065',"
                " '', '', '', '', %s, %s, %s, %s, %s, 80, TRUE, FALSE)",
                [account.pk, *PLAIN.values()],
            )
            cursor.execute("SELECT id FROM messaging_sender WHERE phone_number_id = '1065'")
            sender_id = cursor.fetchone()[0]

        # when
        migrate(AFTER)

        # then: tokens in the columns, the same secrets through the model
        raw = raw_secrets(sender_id)
        for name, secret in PLAIN.items():
            if secret:
                assert secret not in raw[name]
                assert raw[name].startswith("gAAAAA")
            else:
                assert raw[name] == ""
        # (the model as of that migration: later ones add columns the table has not yet)
        executor = MigrationExecutor(connection)
        sender = executor.loader.project_state(AFTER).apps.get_model("messaging", "Sender")
        sender = sender.objects.get(pk=sender_id)
        assert {name: getattr(sender, name) for name in PLAIN} == PLAIN

        # and back: the plaintext returns
        migrate(BEFORE)
        assert raw_secrets(sender_id) == PLAIN
    finally:
        migrate()
