"""Addresses of this install as the outside world reaches it, from ``PUBLIC_BASE_URL``.

Workers have no request to take a host from, so links that leave in a message (e-mail
unsubscribe links, provider callbacks) and the install's own mail domain come from this one
setting. Empty when it is not set: callers decide whether that blocks a send.
"""

from urllib.parse import urlsplit

from django.conf import settings


def public_base_url() -> str:
    return str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")


def public_url(path: str) -> str:
    """``path`` (from ``reverse``) as an absolute URL, or "" without ``PUBLIC_BASE_URL``."""
    base = public_base_url()
    return f"{base}{path}" if base else ""


def public_host() -> str:
    """The host name of ``PUBLIC_BASE_URL`` (no port), or ""."""
    return (urlsplit(public_base_url()).hostname or "").lower()
