"""The sandbox's simulated statuses, applied through the same service as real webhooks."""

from functools import partial

from django.utils import timezone

from messaging.models import SandboxMessage
from messaging.providers.sandbox import STAGE_DELIVER, STAGE_READ, sandbox_outcome
from messaging.statuses import ApplyResult, StatusUpdate, callback_recipient_id, statuses_apply


def sandbox_statuses_emit(*, message_pks: list[int], stage: str) -> ApplyResult:
    """``deliver``: each message becomes delivered, or failed when its fate says so;
    ``read``: the messages fated to be read become read. Running a stage twice changes
    nothing the second time (statuses never move back and repeats count once)."""
    now = timezone.now()
    updates: list[StatusUpdate] = []
    rows = SandboxMessage.objects.filter(pk__in=message_pks).values_list(
        "provider_message_id", "recipient_id", "sender_id", "body"
    )
    for message_id, recipient_id, sender_id, body in rows.iterator(chunk_size=500):
        fate = sandbox_outcome(message_id)
        callback = callback_recipient_id((body or {}).get("callback_data")) or recipient_id
        update = partial(
            StatusUpdate,
            provider_message_id=message_id,
            timestamp=now,
            recipient_id=callback,
            sender_id=sender_id,
        )
        if stage == STAGE_DELIVER:
            if fate == "failed":
                updates.append(
                    update(
                        status="failed",
                        error_code="sandbox_undeliverable",
                        error_title="Message undeliverable",
                        error_details="The sandbox simulated an undeliverable message.",
                    )
                )
            else:
                updates.append(update(status="delivered"))
        elif stage == STAGE_READ and fate == "read":
            updates.append(update(status="read"))
    return statuses_apply(updates=updates)
