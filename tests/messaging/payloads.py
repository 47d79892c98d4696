"""WhatsApp webhook bodies in the Cloud API's shape (see the provider fixtures), and signing."""

import json

from messaging.webhooks.signatures import whatsapp_signature

PHONE_NUMBER_ID = "106540352242922"


def status(
    message_id, state, ts=1750263773, *, recipient="16505551234", callback=None, errors=None
):
    item = {"id": message_id, "status": state, "timestamp": str(ts), "recipient_id": recipient}
    if callback:
        item["biz_opaque_callback_data"] = callback
    if state == "delivered":
        item["conversation"] = {"id": "3f6dd2e1", "origin": {"type": "marketing"}}
        item["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "marketing"}
    if errors:
        item["errors"] = errors
    return item


def undeliverable(code=131026, title="Message undeliverable"):
    return [
        {
            "code": code,
            "title": title,
            "message": title,
            "error_data": {"details": "Unable to deliver the message."},
        }
    ]


def inbound(text, sender_phone="16505551234", kind="text"):
    message = {"from": sender_phone, "id": "wamid.in1", "timestamp": "1750263900", "type": kind}
    if kind == "text":
        message["text"] = {"body": text}
    elif kind == "button":
        message["button"] = {"text": text, "payload": text}
    return message


def notification(statuses=(), messages=(), phone_number_id=PHONE_NUMBER_ID) -> dict:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": phone_number_id},
    }
    if statuses:
        value["statuses"] = list(statuses)
    if messages:
        value["messages"] = list(messages)
        value["contacts"] = [{"profile": {"name": "Ada"}, "wa_id": "16505551234"}]
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }


def post(client, payload, secret="app-secret-1", *, raw: bytes | None = None, signature=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {}
    if signature is None and secret:
        headers["HTTP_X_HUB_SIGNATURE_256"] = whatsapp_signature(secret, body)
    elif signature:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    return client.post("/webhooks/whatsapp", body, content_type="application/json", **headers)
