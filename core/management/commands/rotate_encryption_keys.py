"""Re-encrypt every stored secret under the first of FIELD_ENCRYPTION_KEYS.

Rotation: put a new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), restart,
run this command, then drop the old keys. Values are read and written as tokens (the secret
itself is only ever inside ``MultiFernet.rotate``), and ``updated_at`` is left alone.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast

from core import crypto
from core.fields import EncryptedTextField


def _encrypted_fields():
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def _rotate_model(model, names: list[str]) -> int:
    # Cast reads the stored token itself, past the field's decryption.
    raw = {f"raw_{name}": Cast(name, output_field=models.TextField()) for name in names}
    rows = (
        model._base_manager.select_for_update()
        .annotate(**raw)
        .values_list("pk", *raw)
        .order_by("pk")
    )
    count = 0
    for pk, *tokens in rows.iterator(chunk_size=500):
        updates = {}
        for name, token in zip(names, tokens, strict=True):
            if not token:
                continue
            try:
                rotated = crypto.rotate(token)
            except crypto.DecryptionFailed as exc:
                raise CommandError(
                    f"{model._meta.label} {pk}, {name}: {exc} Nothing was changed."
                ) from None
            # A Value with a plain output field is written as it is, not encrypted again.
            updates[name] = models.Value(rotated, output_field=models.TextField())
        if updates:
            model._base_manager.filter(pk=pk).update(**updates)
            count += len(updates)
    return count


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest FIELD_ENCRYPTION_KEYS key."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        """One transaction: a value no key opens stops the command with nothing changed."""
        total = 0
        for model, names in _encrypted_fields():
            count = _rotate_model(model, names)
            self.stdout.write(f"{model._meta.label}: re-encrypted {count} value(s).")
            total += count
        self.stdout.write(self.style.SUCCESS(f"Done: {total} value(s) under the newest key."))
