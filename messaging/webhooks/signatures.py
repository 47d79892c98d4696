"""Provider webhook signatures, always compared in constant time."""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit, urlunsplit


def whatsapp_signature(secret: str, raw_body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends: ``sha256=<hex HMAC-SHA256 of the body>``."""
    return "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def whatsapp_signature_valid(secret: str, raw_body: bytes, header: str) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(whatsapp_signature(secret, raw_body), header.strip())


def twilio_signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """base64(HMAC-SHA1(token, url + each distinct parameter's name and value, sorted)), as
    twilio's ``RequestValidator`` computes it (a repeated name and value counts once)."""
    payload = url + "".join(f"{name}{value}" for name, value in sorted(set(params)))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _port_spellings(url: str) -> set[str]:
    """``url`` without its port and with it (the scheme's default when it has none): Twilio
    signs either, so its ``RequestValidator`` accepts both."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return {url}
    host = parts.netloc.rsplit("@", 1)[-1]
    userinfo = parts.netloc[: len(parts.netloc) - len(host)]
    bare = host.rsplit(":", 1)[0] if port else host
    default = 443 if parts.scheme == "https" else 80
    return {
        urlunsplit(parts._replace(netloc=userinfo + bare)),
        urlunsplit(parts._replace(netloc=f"{userinfo}{bare}:{port or default}")),
    }


def twilio_signature_valid(
    auth_token: str, url: str, params: list[tuple[str, str]], header: str
) -> bool:
    if not auth_token or not header:
        return False
    given = header.strip().encode("utf-8", "surrogatepass")
    return any(
        hmac.compare_digest(twilio_signature(auth_token, spelling, params).encode(), given)
        for spelling in _port_spellings(url)
    )
