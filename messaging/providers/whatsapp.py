"""WhatsApp Cloud API: ``POST {api_base_url}/{phone_number_id}/messages`` with a bearer token."""

import re
from dataclasses import replace

import requests

from messaging.limits import pair_gap

from .base import OutboundMessage, ProviderResult
from .http import (
    WHATSAPP_API_BASE_URL,
    HttpAdapter,
    error_result,
    safe_json,
    transport_error,
)

DEFAULT_API_BASE_URL = WHATSAPP_API_BASE_URL

# Meta's throttling codes, which slow the whole sender down: throughput (130429), account
# rate (80007), and the Graph API's generic application / user rate limits (4, 17, 613).
THROTTLE_CODES = frozenset({130429, 80007, 4, 17, 613})
# The pair rate (about one message every 6 s to one user) concerns that user alone: the
# recipient is retried after the gap and the sender keeps its pace.
PAIR_RATE_CODE = 131056
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
        obj["filename"] = _filename(url)
    return kind, obj


def _filename(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "document"


class MessageNotSendable(ValueError):
    """The message breaks a rule of the Cloud API: failing it here costs no request."""


def _parameter(name: str, text: str, *, named: bool) -> dict:
    parameter = {"type": "text", "text": text}
    if named:
        parameter["parameter_name"] = name
    return parameter


def _template_components(template: dict) -> list[dict]:
    """One component per part that takes parameters, as Meta's "template" object reads them."""
    named = template.get("parameter_format") == "named"
    components: list[dict] = []
    header = template.get("header") or {}
    if header.get("type") == "text" and header.get("parameters"):
        parameters = [_parameter(p["name"], p["text"], named=named) for p in header["parameters"]]
        components.append({"type": "header", "parameters": parameters})
    elif header.get("type") in {"image", "video", "document"}:
        # The approved template says what its header is; the file name does not decide.
        kind = header["type"]
        obj = {"link": header["link"]}
        if kind == "document":
            obj["filename"] = _filename(header["link"])
        components.append({"type": "header", "parameters": [{"type": kind, kind: obj}]})
    if template.get("body"):
        components.append(
            {
                "type": "body",
                "parameters": [
                    _parameter(p["name"], p["text"], named=named) for p in template["body"]
                ],
            }
        )
    for button in template.get("buttons") or []:
        if button["sub_type"] == "quick_reply":
            parameter = {"type": "payload", "payload": button["payload"]}
        else:
            parameter = {"type": "text", "text": button["text"]}
        components.append(
            {
                "type": "button",
                "sub_type": button["sub_type"],
                # Meta's description types the index as a string ("0" to "9").
                "index": str(button["index"]),
                "parameters": [parameter],
            }
        )
    return components


def _reply_id(button: dict) -> str:
    """What comes back when the contact taps the button: its value, else its label."""
    return str(button.get("value") or button.get("text") or "").strip()


def _title(button: dict) -> str:
    title = str(button.get("text") or "").strip()
    if not title or len(title) > 20:
        raise MessageNotSendable("A button's label has 1 to 20 characters on WhatsApp.")
    return title


def _interactive(message: OutboundMessage) -> dict:
    """Reply buttons (1 to 3) or one URL button (``cta_url``); anything else is refused.

    Call buttons exist only in templates, and a message cannot mix a URL button with reply
    buttons: such a message is refused rather than sent without some of its buttons, and a
    text or label over WhatsApp's length is refused rather than cut.
    """
    text = message.text.strip()
    if not text or len(text) > 1024:
        raise MessageNotSendable("An interactive message's text has 1 to 1,024 characters.")
    kinds = [b.get("type") or "quickreply" for b in message.buttons]
    if "call" in kinds:
        raise MessageNotSendable(
            "Call buttons can only be sent in an approved template, not in an interactive message."
        )
    urls = [b for b, k in zip(message.buttons, kinds, strict=True) if k == "url"]
    replies = [b for b, k in zip(message.buttons, kinds, strict=True) if k != "url"]
    if urls and replies:
        raise MessageNotSendable(
            "An interactive message has either reply buttons or one URL button, not both."
        )
    if len(urls) > 1:
        raise MessageNotSendable("An interactive message has at most one URL button.")
    if len(replies) > 3:
        raise MessageNotSendable("An interactive message has at most 3 reply buttons.")
    if not urls and not replies:
        raise MessageNotSendable("An interactive message needs at least one button.")
    if urls:
        interactive = {
            "type": "cta_url",
            "action": {
                "name": "cta_url",
                "parameters": {
                    "display_text": _title(urls[0]),
                    "url": str(urls[0].get("value") or "").strip(),
                },
            },
        }
    else:
        ids = [_reply_id(b) for b in replies]
        if len(set(ids)) < len(ids) or any(len(i) > 256 for i in ids):
            raise MessageNotSendable(
                "Each reply button answers its own value (1 to 256 characters)."
            )
        buttons = [
            {"type": "reply", "reply": {"id": i, "title": _title(b)}}
            for i, b in zip(ids, replies, strict=True)
        ]
        interactive = {"type": "button", "action": {"buttons": buttons}}
    interactive["body"] = {"text": message.text}
    if message.media_urls:
        kind, obj = media_object(message.media_urls[0])
        obj.pop("caption", None)
        if kind not in {"image", "video", "document"}:
            raise MessageNotSendable(
                "An interactive message's header is an image, a video or a document."
            )
        interactive["header"] = {"type": kind, kind: obj}
    return interactive


def build_payload(message: OutboundMessage) -> dict:
    """The Cloud API JSON for one message (``type`` picks text, template, media, interactive).

    Raises ``MessageNotSendable`` for a message the Cloud API would refuse.
    """
    payload: dict = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.to_phone,
    }
    if message.callback_data:
        payload["biz_opaque_callback_data"] = message.callback_data[:512]
    if message.type == "template":
        template = message.template
        if not template or not template.get("name"):
            raise MessageNotSendable("A template message needs its approved template.")
        payload["type"] = "template"
        payload["template"] = {
            "name": template["name"],
            "language": {"code": template.get("language") or "en_US"},
        }
        components = _template_components(template)
        if components:
            payload["template"]["components"] = components
    elif message.type == "media" and message.media_urls:
        kind, obj = media_object(message.media_urls[0], message.text)
        payload["type"] = kind
        payload[kind] = obj
    elif message.type == "interactive":
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


def map_error(status: int, body: dict, response: requests.Response | None = None) -> ProviderResult:
    """A Graph API error answer (``{"error": {"message", "type", "code", "error_subcode",
    "error_data": {"details"}, "error_user_title", "error_user_msg", "is_transient"}}``)."""
    error = body.get("error")
    if not isinstance(error, dict):
        error = {}
    error_data = error.get("error_data")
    if not isinstance(error_data, dict):
        error_data = {}
    message = str(
        error_data.get("details")
        or error.get("error_user_msg")
        or error.get("message")
        or f"HTTP {status}"
    )[:500]
    code = _int(error.get("code"))
    result = error_result(
        status=status,
        code=code,
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
    if code == PAIR_RATE_CODE and not result.account_error:
        result = replace(
            result, transient=True, retry_after=max(pair_gap(), result.retry_after or 0)
        )
    return result


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
            payload = build_payload(message)
        except MessageNotSendable as exc:
            return ProviderResult(ok=False, error_code="invalid_message", error_message=str(exc))
        try:
            response = self._post(session, json=payload)
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
