"""Production hardening: on unless DEBUG, each switch overridable from the environment."""

from config.env import env_bool, env_int

from .base import DEBUG

_PRODUCTION = not DEBUG

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
