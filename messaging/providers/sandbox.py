"""The sandbox provider: records every message and, when the sender asks, plays back statuses.

With ``sender.simulate_statuses`` each batch schedules two one-off django-q2 ``Schedule`` rows
(``messaging.tasks.sandbox_statuses_emit``): a first one a few seconds later moves the
messages to delivered (or failed, for a small share), a second one later marks a share of
them read. Which message gets which outcome is a pure function of its id
(``sandbox_outcome``), so a test can predict it. Statuses go through the same
``statuses_apply`` port as real provider webhooks.
"""

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from messaging.models import SandboxMessage

from .base import OutboundMessage, ProviderResult

STAGE_DELIVER = "deliver"
STAGE_READ = "read"


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def sandbox_outcome(provider_message_id: str) -> str:
    """``failed``, ``delivered`` or ``read``: the fate of a sandbox message, fixed by its id."""
    bucket = int(hashlib.sha256(provider_message_id.encode()).hexdigest()[:8], 16) % 100
    if bucket < _setting("SANDBOX_FAILED_PERCENT", 3):
        return "failed"
    if bucket < _setting("SANDBOX_FAILED_PERCENT", 3) + _setting("SANDBOX_READ_PERCENT", 60):
        return "read"
    return "delivered"


def _body(message: OutboundMessage) -> dict[str, Any]:
    body: dict[str, Any] = {"type": message.type, "text": message.text}
    if message.subject:
        body["subject"] = message.subject
    if message.template:
        body["template"] = message.template
    if message.media_urls:
        body["media_urls"] = list(message.media_urls)
    if message.buttons:
        body["buttons"] = list(message.buttons)
    if message.html:
        body["html"] = message.html
    body["callback_data"] = message.callback_data
    return body


def schedule_statuses(*, message_pks: list[int], now: datetime | None = None) -> None:
    from django_q.models import Schedule

    if not message_pks:
        return
    now = now or timezone.now()
    for stage, delay in (
        (STAGE_DELIVER, _setting("SANDBOX_DELIVERED_AFTER_SECONDS", 3)),
        (STAGE_READ, _setting("SANDBOX_READ_AFTER_SECONDS", 20)),
    ):
        Schedule.objects.create(
            name=f"sandbox-{stage}-{uuid.uuid4().hex[:12]}",
            func="messaging.tasks.sandbox_statuses_emit",
            args=repr((list(message_pks), stage)),
            schedule_type=Schedule.ONCE,
            repeats=-1,
            next_run=now + timedelta(seconds=delay),
        )


class SandboxAdapter:
    def __init__(self, sender, *, rate_limited: bool = True) -> None:
        self.sender = sender

    def send(self, message: OutboundMessage) -> ProviderResult:
        return self.send_many([message])[0]

    def send_many(self, messages: list[OutboundMessage]) -> list[ProviderResult]:
        rows, results = [], []
        for message in messages:
            to = message.to_phone or message.to_email
            if not to:
                results.append(
                    ProviderResult(
                        ok=False,
                        error_code="no_address",
                        error_message="The contact has no phone number or email address.",
                    )
                )
                continue
            message_id = f"sandbox.{uuid.uuid4().hex}"
            rows.append(
                SandboxMessage(
                    account_id=self.sender.account_id,
                    sender_id=self.sender.pk,
                    recipient_id=message.recipient_id,
                    provider_message_id=message_id,
                    to=to,
                    body=_body(message),
                )
            )
            results.append(ProviderResult(ok=True, provider_message_id=message_id))
        if rows:
            created = SandboxMessage.objects.bulk_create(rows)
            if self.sender.simulate_statuses:
                pks = [row.pk for row in created if row.pk is not None]
                if len(pks) != len(created):
                    pks = list(
                        SandboxMessage.objects.filter(
                            provider_message_id__in=[row.provider_message_id for row in rows]
                        ).values_list("pk", flat=True)
                    )
                schedule_statuses(message_pks=pks)
        return results

    def close(self) -> None:
        pass
