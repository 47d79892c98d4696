"""Model fields shared by the apps."""

from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression
from django.db.models.lookups import Exact, IsNull, Lookup

from core import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted (``core.crypto``); the model sees plain text.

    Why our own field rather than django-fernet-encrypted-fields (the maintained library):
    that one derives its key from SECRET_KEY (rotating the session key would lose every
    secret), stores an empty value as NULL (these columns are NOT NULL, default ''), and
    returns a value it cannot decrypt as it is, so a wrong key would send ciphertext to a
    provider as the password. This is a thin field over ``cryptography``'s MultiFernet.

    An empty value stays empty, unencrypted, so "is it set?" remains a query
    (``exclude(app_secret="")``); the API already tells whether a secret is set. Any other
    comparison in SQL is refused: each encryption is different, so it could never match.
    """

    def get_prep_value(self, value: object) -> str | None:
        text: str | None = super().get_prep_value(value)
        if not text:
            return text
        return crypto.encrypt(text)

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if not value:
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None


class EmptyOnlyExact(Exact):
    def get_prep_lookup(self) -> str | None:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: compare it in Python, not in a query "
                "(only = '' works, to find unset values)."
            )
        return super().get_prep_lookup()
