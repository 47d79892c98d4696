"""Provider webhook payloads → our ``StatusUpdate``s and inbound texts.

Parsers are strict about the shape (a wrong one raises ``PayloadError`` with a message for
the provider's logs) and lenient about what they do not use.
"""

from dataclasses import dataclass

from messaging.statuses import StatusUpdate, callback_recipient_id


class PayloadError(ValueError):
    pass


@dataclass(frozen=True)
class Inbound:
    phone_number_id: str
    from_phone: str
    text: str
    timestamp: str = ""


@dataclass(frozen=True)
class WhatsAppChange:
    phone_number_id: str
    statuses: list[dict]
    messages: list[dict]


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"'{where}' must be a list.")
    return value


def _dict(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise PayloadError(f"'{where}' must be an object.")
    return value


def whatsapp_changes(payload: object) -> list[WhatsAppChange]:
    payload = _dict(payload, "body")
    changes = []
    for i, entry in enumerate(_list(payload.get("entry"), "entry")):
        entry = _dict(entry, f"entry.{i}")
        for j, change in enumerate(_list(entry.get("changes"), f"entry.{i}.changes")):
            change = _dict(change, f"entry.{i}.changes.{j}")
            where = f"entry.{i}.changes.{j}.value"
            value = _dict(change.get("value") or {}, where)
            metadata = _dict(value.get("metadata") or {}, f"{where}.metadata")
            statuses = _list(value.get("statuses"), f"{where}.statuses")
            messages = _list(value.get("messages"), f"{where}.messages")
            if not statuses and not messages:
                continue
            phone_number_id = str(metadata.get("phone_number_id") or "")
            if not phone_number_id:
                raise PayloadError(f"'{where}.metadata.phone_number_id' is missing.")
            for k, item in enumerate(statuses):
                _dict(item, f"{where}.statuses.{k}")
            for k, item in enumerate(messages):
                _dict(item, f"{where}.messages.{k}")
            changes.append(WhatsAppChange(phone_number_id, statuses, messages))
    return changes


def whatsapp_status_update(status: dict, sender_id: int) -> StatusUpdate:
    errors = status.get("errors") if isinstance(status.get("errors"), list) else []
    error = errors[0] if errors and isinstance(errors[0], dict) else {}
    error_data = error.get("error_data")
    if not isinstance(error_data, dict):
        error_data = {}
    return StatusUpdate(
        provider_message_id=str(status.get("id") or ""),
        status=str(status.get("status") or ""),
        timestamp=status.get("timestamp"),
        recipient_id=callback_recipient_id(status.get("biz_opaque_callback_data")),
        error_code=str(error.get("code") or ""),
        error_title=str(error.get("title") or error.get("message") or ""),
        error_details=str(error_data.get("details") or error.get("message") or ""),
        sender_id=sender_id,
    )


def whatsapp_inbound_words(message: dict) -> list[str]:
    """What a contact sent, as the words that could be a STOP: a text's body; a template
    quick-reply button's label and its payload (a "Not interested" button whose payload is
    "stop"); an interactive reply's title and id."""
    kind = message.get("type")
    part = message.get(kind)
    if not isinstance(part, dict):
        part = {}
    if kind == "text":
        words = [part.get("body")]
    elif kind == "button":
        words = [part.get("text"), part.get("payload")]
    elif kind == "interactive":
        reply = part.get("button_reply") or part.get("list_reply") or {}
        words = [reply.get("title"), reply.get("id")] if isinstance(reply, dict) else []
    else:
        words = []
    return [str(word) for word in words if isinstance(word, str | int) and str(word)]


SMS_STATUS = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}
