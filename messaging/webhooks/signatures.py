"""Provider webhook signatures, always compared in constant time."""

import base64
import hashlib
import hmac


def whatsapp_signature(secret: str, raw_body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends: ``sha256=<hex HMAC-SHA256 of the body>``."""
    return "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def whatsapp_signature_valid(secret: str, raw_body: bytes, header: str) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(whatsapp_signature(secret, raw_body), header.strip())


def twilio_signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """base64(HMAC-SHA1(token, url + each parameter's name and value, sorted by name))."""
    payload = url + "".join(f"{name}{value}" for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(
    auth_token: str, url: str, params: list[tuple[str, str]], header: str
) -> bool:
    if not auth_token or not header:
        return False
    return hmac.compare_digest(twilio_signature(auth_token, url, params), header.strip())
