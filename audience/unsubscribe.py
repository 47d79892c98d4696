"""Signed e-mail unsubscribe links: one per contact (and message), usable without signing in.

The token is the proof: Django's ``Signer`` (HMAC-SHA256 over ``SECRET_KEY``, with a salt of
its own so no other signed value of the product can stand in for it) signs the account, the
contact and, for a campaign message, the recipient. It does not expire: a link in an old
e-mail must still work (rotate ``SECRET_KEY`` through ``SECRET_KEY_FALLBACKS`` to keep them).
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from core.public import public_url

SALT = "audience.email-unsubscribe"


@dataclass(frozen=True)
class UnsubscribeClaim:
    account_id: int
    contact_id: int
    recipient_id: int | None = None


def email_unsubscribe_token(
    *, account_id: int, contact_id: int, recipient_id: int | None = None
) -> str:
    payload = {"a": int(account_id), "c": int(contact_id)}
    if recipient_id:
        payload["r"] = int(recipient_id)
    return signing.Signer(salt=SALT).sign_object(payload)


def email_unsubscribe_read(token: str) -> UnsubscribeClaim | None:
    """The claim a token carries, or None when it is malformed or was not signed by us."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(str(token))
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(payload, dict):
        return None
    account_id, contact_id = _id(payload.get("a")), _id(payload.get("c"))
    if account_id is None or contact_id is None:
        return None
    return UnsubscribeClaim(
        account_id=account_id, contact_id=contact_id, recipient_id=_id(payload.get("r"))
    )


def _id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def email_unsubscribe_path(
    *, account_id: int, contact_id: int, recipient_id: int | None = None
) -> str:
    token = email_unsubscribe_token(
        account_id=account_id, contact_id=contact_id, recipient_id=recipient_id
    )
    return reverse("unsubscribe:email", kwargs={"token": token})


def email_unsubscribe_url(
    *, account_id: int, contact_id: int, recipient_id: int | None = None
) -> str:
    """The absolute link for ``List-Unsubscribe`` and the footer; "" without
    ``PUBLIC_BASE_URL`` (an e-mail campaign does not start then)."""
    return public_url(
        email_unsubscribe_path(
            account_id=account_id, contact_id=contact_id, recipient_id=recipient_id
        )
    )
