"""Tracked links' tokens: ``/r/<token>`` names one link of one recipient's message.

A token is signed, not stored: the link's and recipient's ids as varints and the first 6 bytes
of an HMAC-SHA256 over them, in URL-safe base64 without padding. A million recipients cost no
row at send time, the redirect reads a token without a query, and guessing a valid one takes
about 2**47 tries. Typical tokens are 14 to 16 characters, short enough for an SMS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

_MAC_BYTES = 6
_MAX_TOKEN = 40  # two 64-bit varints and the MAC, encoded, with room to spare
_SALT = b"campaigns.delivery.link_tokens"


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    # Derived once per secret: the redirect checks a token per request.
    return hashlib.sha256(_SALT + secret.encode()).digest()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _varints(data: bytes, count: int) -> tuple[list[int], int] | None:
    values: list[int] = []
    pos = 0
    for _ in range(count):
        n = shift = 0
        while True:
            if pos >= len(data) or shift > 63:
                return None
            byte = data[pos]
            pos += 1
            n |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        values.append(n)
    return values, pos


def _mac(payload: bytes) -> bytes:
    return hmac.new(_key(settings.SECRET_KEY), payload, hashlib.sha256).digest()[:_MAC_BYTES]


def token_make(link_id: int, recipient_id: int) -> str:
    """The token of ``link_id`` in ``recipient_id``'s message."""
    if link_id < 0 or recipient_id < 0:
        raise ValueError("ids are not negative")
    payload = _varint(link_id) + _varint(recipient_id)
    return base64.urlsafe_b64encode(payload + _mac(payload)).rstrip(b"=").decode()


def token_read(token: str) -> tuple[int, int] | None:
    """``(link_id, recipient_id)``; None for anything that is not a token we signed."""
    if not token or len(token) > _MAX_TOKEN:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    # One spelling per token: a last character differing only in unused bits is refused.
    if len(raw) <= _MAC_BYTES or base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != token:
        return None
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    parsed = _varints(payload, 2)
    if parsed is None or parsed[1] != len(payload):
        return None
    if not hmac.compare_digest(mac, _mac(payload)):
        return None
    link_id, recipient_id = parsed[0]
    return link_id, recipient_id
