"""WhatsApp Cloud API: ``POST {api_base_url}/{phone_number_id}/messages`` with a bearer token."""

import re

import requests

from .base import OutboundMessage, ProviderResult
from .http import HttpAdapter, error_result, safe_json, transport_error

DEFAULT_API_BASE_URL = "https://graph.facebook.com/v21.0"

# Meta's throttling codes: throughput (130429), pair rate (131056), account rate (80007),
# and the Graph API's generic application / user rate limits (4, 17, 613).
THROTTLE_CODES = frozenset({130429, 131056, 80007, 4, 17, 613})
# Refusals of the account, not of one recipient (``messaging.providers.problems``): the same
# families pywa raises as ``AuthorizationError`` and ``IntegrityError``. ``(code, subcode)``
# keys win over the code alone: 100 is any bad parameter, but 100/33 is an unknown phone
# number id (or one the token cannot use). 130497 (restricted from one country) is not here:
# recipients in other countries are still reached.
ACCOUNT_CODES: dict[int | tuple[int, int], str] = {
    0: "auth_failed",  # AuthException
    190: "auth_failed",  # access token expired, revoked or replaced
    3: "permission_denied",  # capability or permission issue
    10: "permission_denied",
    **dict.fromkeys(range(200, 300), "permission_denied"),
    (100, 33): "wrong_number_id",
    131031: "account_locked",
    368: "account_blocked",  # temporarily blocked for policy violations
}
# Codes Meta documents as temporary ("try again later") even when the HTTP status is 4xx.
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016, 133004})

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
VIDEO_EXTENSIONS = (".mp4", ".3gp")
AUDIO_EXTENSIONS = (".mp3", ".ogg", ".aac", ".amr", ".m4a")


def media_kind(url: str) -> str:
    path = url.split("?", 1)[0].lower()
    if path.endswith(IMAGE_EXTENSIONS):
        return "image"
    if path.endswith(VIDEO_EXTENSIONS):
        return "video"
    if path.endswith(AUDIO_EXTENSIONS):
        return "audio"
    return "document"


def media_object(url: str, caption: str = "") -> tuple[str, dict]:
    kind = media_kind(url)
    obj: dict = {"link": url}
    if caption and kind != "audio":
        obj["caption"] = caption[:1024]
    if kind == "document":
        obj["filename"] = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "document"
    return kind, obj


def _template_components(message: OutboundMessage) -> list[dict]:
    template = message.template or {}
    components = list(template.get("components") or [])
    types = {c.get("type") for c in components if isinstance(c, dict)}
    parameters = template.get("parameters") or template.get("variables")
    if "body" not in types and parameters:
        components.append(
            {
                "type": "body",
                "parameters": [{"type": "text", "text": str(value)} for value in parameters],
            }
        )
    header_url = template.get("header_media_url") or (
        message.media_urls[0] if message.media_urls else ""
    )
    if "header" not in types and header_url:
        kind, obj = media_object(header_url)
        obj.pop("caption", None)
        components.insert(0, {"type": "header", "parameters": [{"type": kind, kind: obj}]})
    return components


def _interactive(message: OutboundMessage) -> dict:
    body = {"text": (message.text or " ")[:1024]}
    url_buttons = [b for b in message.buttons if b.get("type") == "url"]
    header = None
    if message.media_urls:
        kind, obj = media_object(message.media_urls[0])
        obj.pop("caption", None)
        if kind in {"image", "video", "document"}:
            header = {"type": kind, kind: obj}
    if url_buttons:
        button = url_buttons[0]
        interactive = {
            "type": "cta_url",
            "body": body,
            "action": {
                "name": "cta_url",
                "parameters": {
                    "display_text": str(button.get("text", ""))[:20],
                    "url": str(button.get("value", "")),
                },
            },
        }
    else:
        replies = [b for b in message.buttons if b.get("type") != "call"][:3]
        interactive = {
            "type": "button",
            "body": body,
            "action": {
                "buttons": [
                    {
                        "type": "reply",
                        "reply": {
                            "id": str(b.get("value") or f"button-{i}")[:256],
                            "title": str(b.get("text", ""))[:20],
                        },
                    }
                    for i, b in enumerate(replies, start=1)
                ]
            },
        }
    if header is not None:
        interactive["header"] = header
    return interactive


def build_payload(message: OutboundMessage) -> dict:
    """The Cloud API JSON for one message (``type`` picks text, template, media, interactive)."""
    payload: dict = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.to_phone,
    }
    if message.callback_data:
        payload["biz_opaque_callback_data"] = message.callback_data[:512]
    if message.type == "template" and message.template:
        template = message.template
        language = template.get("language") or "en_US"
        if isinstance(language, str):
            language = {"code": language}
        payload["type"] = "template"
        payload["template"] = {"name": template.get("name", ""), "language": language}
        components = _template_components(message)
        if components:
            payload["template"]["components"] = components
    elif message.type == "media" and message.media_urls:
        kind, obj = media_object(message.media_urls[0], message.text)
        payload["type"] = kind
        payload[kind] = obj
    elif message.type == "interactive" and message.buttons:
        payload["type"] = "interactive"
        payload["interactive"] = _interactive(message)
    else:
        payload["type"] = "text"
        payload["text"] = {"body": message.text, "preview_url": "http" in message.text}
    return payload


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


TITLE_PREFIX = re.compile(r"^\(#\d+\)\s*")


def error_title(error: dict) -> str:
    """The error's short name: Meta's ``error_user_title`` when given, else the ``message``
    without the ``(#code)`` Meta puts before it (Meta keeps the code's title in the message)."""
    title = str(error.get("error_user_title") or error.get("message") or "")
    return TITLE_PREFIX.sub("", title, count=1).strip()


def map_error(status: int, body: dict, response=None) -> ProviderResult:
    """A Graph API error answer (``{"error": {"message", "type", "code", "error_subcode",
    "error_data": {"details"}, "error_user_title", "error_user_msg", "is_transient"}}``)."""
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    error_data = error.get("error_data") if isinstance(error.get("error_data"), dict) else {}
    message = str(
        error_data.get("details")
        or error.get("error_user_msg")
        or error.get("message")
        or f"HTTP {status}"
    )[:500]
    return error_result(
        status=status,
        code=_int(error.get("code")),
        subcode=_int(error.get("error_subcode")),
        title=error_title(error),
        message=message,
        body=body,
        response=response,
        throttle_codes=THROTTLE_CODES,
        account_codes=ACCOUNT_CODES,
        transient_codes=TRANSIENT_CODES,
        transient=error.get("is_transient") is True,
    )


class WhatsAppAdapter(HttpAdapter):
    def __init__(self, sender, *, rate_limited: bool = True) -> None:
        super().__init__(sender, rate_limited=rate_limited)
        base = (sender.api_base_url or DEFAULT_API_BASE_URL).rstrip("/")
        self.url = f"{base}/{sender.phone_number_id}/messages"

    def _configure(self, session: requests.Session) -> None:
        session.headers["Authorization"] = f"Bearer {self.sender.access_token}"

    def _send_one(self, session: requests.Session, message: OutboundMessage) -> ProviderResult:
        if not message.to_phone:
            return ProviderResult(
                ok=False, error_code="no_phone", error_message="The contact has no phone number."
            )
        try:
            response = self._post(session, json=build_payload(message))
        except requests.RequestException as exc:
            return transport_error(exc)
        body = safe_json(response)
        if response.status_code >= 300:
            return map_error(response.status_code, body, response)
        messages = body.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            message_id = str(messages[0].get("id") or "")
            if message_id:
                return ProviderResult(ok=True, provider_message_id=message_id, raw=body)
        # Accepted without an id: we cannot track it, but it may well go out; never resend.
        return ProviderResult(
            ok=True,
            error_code="no_message_id",
            error_message="The provider accepted the message without returning its id.",
            raw=body,
        )
