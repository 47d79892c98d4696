"""Production hardening: on unless DEBUG, each switch overridable from the environment.

Also the secrets the install itself depends on (a strong ``SECRET_KEY``, the keys that encrypt
stored credentials) and the limits on password and API-key guessing.
"""

import base64
import hashlib
from datetime import timedelta

from cryptography.fernet import Fernet
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

from .base import DEBUG, DEVELOPMENT_SECRET_KEY, SECRET_KEY

_PRODUCTION = not DEBUG


def _secret_key_weakness(key: str) -> str:
    """Why ``key`` cannot sign production sessions (Django's own deploy-check rules), or ''."""
    if key == DEVELOPMENT_SECRET_KEY:
        return "it is the development default"
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"it starts with {SECRET_KEY_INSECURE_PREFIX!r}"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters"
    return ""


# Django only warns about a weak key in `check --deploy`; a production start refuses it, since
# anyone who can guess it can forge sessions and password-reset links.
if _PRODUCTION and (_weakness := _secret_key_weakness(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for production: {_weakness}. Set SECRET_KEY to at least "
        f"{SECRET_KEY_MIN_LENGTH} random characters, e.g. the output of: python -c "
        '"from django.core.management.utils import get_random_secret_key; '
        'print(get_random_secret_key())"'
    )

# Keys that encrypt stored secrets (sender credentials, see ``core.crypto``): the first
# encrypts, every one decrypts, so a key is rotated by putting a new one first. A development
# install derives one from SECRET_KEY so `make run` needs no set-up; production must name its
# own, kept apart from SECRET_KEY so that changing one never loses the other's data.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
_NEW_KEY_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)
if not FIELD_ENCRYPTION_KEYS:
    if _PRODUCTION:
        raise ImproperlyConfigured(
            "The environment variable FIELD_ENCRYPTION_KEYS must be set when DEBUG is off "
            f"(comma-separated Fernet keys, newest first); {_NEW_KEY_HINT}"
        )
    _digest = hashlib.sha256(b"campaigns field encryption\0" + SECRET_KEY.encode()).digest()
    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(_digest).decode()]
for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS: key {_position} is not a Fernet key (32 url-safe "
            f"base64-encoded bytes); {_NEW_KEY_HINT}"
        ) from None

# Password guessing (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins a username is
# locked from every address, and an address for every username, for LOGIN_COOLOFF_MINUTES
# (renewed by each further try); staff unlock early from the admin. LOGIN_LOCKOUT_BY picks
# what is counted: "username", "ip_address", or "username+ip_address" for the pair only.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in env_list("LOGIN_LOCKOUT_BY", ["username", "ip_address"])
]
for _part in AXES_LOCKOUT_PARAMETERS:
    for _name in _part if isinstance(_part, list) else [_part]:
        if _name not in {"username", "ip_address", "user_agent"}:
            raise ImproperlyConfigured(
                f"LOGIN_LOCKOUT_BY: {_name!r} is not one of username, ip_address, user_agent."
            )
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 60:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be 1 or more.")
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its start-up banner would end up in every command's output
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"

# API-key guessing: an address that sends API_KEY_FAILURE_LIMIT wrong keys within
# API_KEY_FAILURE_WINDOW seconds gets 429 for every key until that window ends. Counted in
# Django's cache (Redis when REDIS_URL is set), per client address only, so a valid key used
# from another address is never slowed by someone else's failures.
API_KEY_FAILURE_LIMIT = env_int("API_KEY_FAILURE_LIMIT", 20)
API_KEY_FAILURE_WINDOW = env_int("API_KEY_FAILURE_WINDOW", 300)
if API_KEY_FAILURE_LIMIT < 1 or API_KEY_FAILURE_WINDOW < 1:
    raise ImproperlyConfigured(
        "API_KEY_FAILURE_LIMIT and API_KEY_FAILURE_WINDOW must be 1 or more."
    )

BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
# Behind the proxy, the client's address is the entry this many places from the right of
# X-Forwarded-For (each trusted proxy appends one); without a proxy the header is a client's
# claim and is never read (see ``accounts.throttle.client_ip``).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 1 or more.")

# --- HTTPS hardening -------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=_PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=_PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (django-csp 4.x) -------------------------------------------------
# Every page works with scripts and styles from our own static files only: no inline script,
# no inline event handler, no eval, no inline style (shared behaviours live in static/js/ and
# read data-* attributes; htmx is told not to inject its indicator <style> and not to eval, by
# the htmx-config <meta> in base.html). tests/pages/test_csp_*.py hold the pages to it.
# img-src/media-src stay same-origin: the phone previews show a media URL as text, never load
# it, so nothing needs `https:`; allow it here when a preview starts showing external images.
# X_FRAME_OPTIONS above stays for browsers that ignore frame-ancestors.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the icons of the admin and the API docs
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
