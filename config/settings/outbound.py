"""Outbound connections: what ``core.urlguard`` lets the product reach.

Production (``DEBUG`` off) reaches only public addresses over https. Development and the test
suite, whose provider stand-ins listen on 127.0.0.1, allow loopback and plain http.
"""

from config.env import env_bool, env_list

from .base import DEBUG

# Loopback (127.0.0.0/8, ::1, "localhost") may be reached: for development and tests only.
OUTBOUND_ALLOW_LOOPBACK = env_bool("OUTBOUND_ALLOW_LOOPBACK", default=DEBUG)
# Plain http:// URLs are accepted; otherwise every http URL a user sets must be https://.
OUTBOUND_ALLOW_HTTP = env_bool("OUTBOUND_ALLOW_HTTP", default=DEBUG)
# Host names the operator vouches for (a mail relay or a provider gateway on the private
# network): they skip the address check, and their error text is shown as the host wrote it.
OUTBOUND_TRUSTED_HOSTS = [h.lower().rstrip(".") for h in env_list("OUTBOUND_TRUSTED_HOSTS", [])]
