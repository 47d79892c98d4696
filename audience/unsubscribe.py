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
    ids = [payload.get("a"), payload.get("c"), payload.get("r")]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids[:2]):
        return None
    recipient = ids[2] if isinstance(ids[2], int) and not isinstance(ids[2], bool) else None
    return UnsubscribeClaim(account_id=ids[0], contact_id=ids[1], recipient_id=recipient)


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
