"""Encrypt the senders' stored secrets (``core.crypto``, keys from FIELD_ENCRYPTION_KEYS).

Three steps: the columns become plain text columns (a token is longer than the 200 characters
the old ones held), the values already there are encrypted in place, then the fields become
encrypted fields (no schema change). Reversible: going back decrypts every value with the
current keys and restores the old column types.
"""

from django.db import migrations, models

import core.fields
from core import crypto

SECRET_FIELDS = ("access_token", "app_secret", "verify_token", "auth_token", "smtp_password")


def _rewrite(apps, change):
    Sender = apps.get_model("messaging", "Sender")
    for row in Sender.objects.values("pk", *SECRET_FIELDS).iterator():
        updates = {
            name: change(value) for name in SECRET_FIELDS if (value := row[name])
        }
        updates = {name: value for name, value in updates.items() if value != row[name]}
        if updates:
            Sender.objects.filter(pk=row["pk"]).update(**updates)


def encrypt_plaintext(apps, schema_editor):
    # A value some key already opens was encrypted by an earlier, interrupted run: kept.
    _rewrite(apps, lambda value: value if crypto.opens(value) else crypto.encrypt(value))


def decrypt_tokens(apps, schema_editor):
    _rewrite(apps, crypto.decrypt)


def _text(**kwargs):
    return models.TextField(blank=True, default="", **kwargs)


def _encrypted(**kwargs):
    return core.fields.EncryptedTextField(blank=True, default="", **kwargs)


class Migration(migrations.Migration):

    dependencies = [
        ("messaging", "0002_ratebucket_sender_simulate_statuses_sandboxmessage"),
    ]

    operations = [
        *[
            migrations.AlterField(model_name="sender", name=name, field=_text(max_length=200))
            for name in ("app_secret", "verify_token", "auth_token", "smtp_password")
        ],
        migrations.RunPython(encrypt_plaintext, decrypt_tokens, elidable=False),
        migrations.AlterField(model_name="sender", name="access_token", field=_encrypted()),
        *[
            migrations.AlterField(
                model_name="sender", name=name, field=_encrypted(max_length=200)
            )
            for name in ("app_secret", "verify_token", "auth_token", "smtp_password")
        ],
    ]
