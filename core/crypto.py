"""Encryption at rest for the secrets the database keeps (sender credentials).

Fernet (AES-128-CBC with an HMAC-SHA256, from ``cryptography``) under a MultiFernet of
``settings.FIELD_ENCRYPTION_KEYS``: the first key encrypts, every key decrypts. A key is
rotated by putting a new one first, running ``manage.py rotate_encryption_keys`` (which
re-encrypts every stored secret under it), then dropping the old one.

The keys are never derived from SECRET_KEY in production: changing the session key must not
make the stored credentials unreadable, and a leaked session key must not reveal them.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionFailed(Exception):
    """A stored value that none of FIELD_ENCRYPTION_KEYS opens."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    """The current keys, rebuilt only when the setting changes (tests override it)."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEYS: the key that "
            "encrypted it is missing. Put the previous key back in the list (after the new one)."
        ) from None


def rotate(token: str) -> str:
    """The same secret encrypted under the first key (raises if no key opens it)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEYS, so it cannot be "
            "re-encrypted: keep the key that encrypted it in the list."
        ) from None


def opens(token: str) -> bool:
    """Whether ``token`` is a value one of the current keys encrypted."""
    try:
        fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True
