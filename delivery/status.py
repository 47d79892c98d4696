"""Provider statuses (webhooks, the sandbox) applied to recipients, set-based per batch.

A status never moves a recipient backwards: ``pending, queued, sending, retry_scheduled,
uncertain`` < ``sent`` < ``delivered`` < ``read``; ``failed`` is reachable from anything below
``read`` and is final. A status the recipient already has (a provider's repeat) changes and
counts nothing. ``read`` implies ``delivered`` and both imply ``sent``, so a skipped step is
filled in (timestamp, counter, event marked ``implied``).
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.expressions import Combinable

from campaigns.models import Campaign
from core.bulk import values_update
from core.events import NewEvent, events_record
from delivery.errorlog import errors_record
from delivery.models import Recipient
from delivery.states import RANK, status_may_move
from messaging.statuses import (
    DELIVERED,
    FAILED,
    READ,
    SENT,
    STATUSES,
    UNDELIVERED,
    ApplyResult,
    StatusUpdate,
    as_utc,
)

# One failure type's tally in one apply: how many, the latest message, the latest time.
ErrorCount = tuple[int, str, dt.datetime]


# What applying a status may change on a recipient: read locked, written back in bulk.
WRITTEN = (
    "status",
    "provider_message_id",
    "sent_at",
    "delivered_at",
    "read_at",
    "failed_at",
    "error_code",
    "error_title",
    "error_message",
)


def _load(updates: list[StatusUpdate]) -> dict[int, Recipient]:
    """The recipients the updates name, locked, keyed by id; scoped to each update's sender.
    By message id first; by the callback's recipient id only for the updates whose message id
    found nobody (a crash before our write), so a recipient is read once."""
    fields = ("id", "account_id", "campaign_id", "contact_id", *WRITTEN)
    by_sender: dict[int | None, list[StatusUpdate]] = defaultdict(list)
    for u in updates:
        by_sender[u.sender_id].append(u)
    found: dict[int, Recipient] = {}
    for sender_id, group in by_sender.items():
        base = Recipient.objects.select_for_update(of=("self",)).only(*fields).order_by("id")
        if sender_id is not None:
            base = base.filter(campaign__sender_id=sender_id)
        message_ids = sorted({u.provider_message_id for u in group if u.provider_message_id})
        known: set[str] = set()
        # any_of: one array parameter, so the statement's text does not grow with the batch
        # (and stays in the driver's cache of parsed statements).
        for start in range(0, len(message_ids), 500):
            for r in base.filter(provider_message_id__any_of=message_ids[start : start + 500]):
                found[r.id] = r
                known.add(r.provider_message_id)
        recipient_ids = sorted(
            {u.recipient_id for u in group if u.recipient_id and u.provider_message_id not in known}
            - found.keys()
        )
        for start in range(0, len(recipient_ids), 500):
            for r in base.filter(pk__any_of=recipient_ids[start : start + 500]):
                found[r.id] = r
    return found


def _target(
    update: StatusUpdate, by_message_id: dict[str, Recipient], by_id: dict[int, Recipient]
) -> Recipient | None:
    recipient = (
        by_message_id.get(update.provider_message_id) if update.provider_message_id else None
    )
    if recipient is None and update.recipient_id:
        candidate = by_id.get(update.recipient_id)
        # The callback id reconciles a recipient whose message id we never recorded (a crash
        # between the provider's answer and our write); it must not override a known other id.
        if candidate is not None and (
            not candidate.provider_message_id
            or candidate.provider_message_id == update.provider_message_id
        ):
            recipient = candidate
    return recipient


@transaction.atomic
def status_apply(*, updates: list[StatusUpdate]) -> ApplyResult:
    result = ApplyResult()
    updates = [u for u in updates if u.status in STATUSES]
    if not updates:
        return result
    recipients = _load(updates)
    by_message_id = {r.provider_message_id: r for r in recipients.values() if r.provider_message_id}
    changed: dict[int, Recipient] = {}
    events: list[NewEvent] = []
    counters: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    errors: dict[tuple[int, str], ErrorCount] = {}

    # Apply in rank order so that several statuses of one message in one POST, in any order,
    # end in the same place; time order breaks ties.
    order = {SENT: 1, DELIVERED: 2, READ: 3, FAILED: 4}
    for update in sorted(updates, key=lambda u: (order[u.status], as_utc(u.timestamp))):
        recipient = _target(update, by_message_id, recipients)
        if recipient is None:
            result.unknown += 1
            continue
        at = as_utc(update.timestamp)
        steps = _advance(recipient, update, at)
        if not steps:
            result.ignored += 1
            continue
        result.applied += 1
        if update.provider_message_id and not recipient.provider_message_id:
            recipient.provider_message_id = update.provider_message_id
            by_message_id[update.provider_message_id] = recipient
        changed[recipient.id] = recipient
        was_delivered = any(status == UNDELIVERED for status, _ in steps)
        for status, implied in steps:
            counters[recipient.campaign_id][status] += 1
            if status == UNDELIVERED:
                continue
            data: dict[str, Any] = {"provider_message_id": recipient.provider_message_id}
            if implied:
                data["implied"] = True
            if status == FAILED and was_delivered:
                # The rollups take the message back out of the delivered count, as the
                # campaign's counter does.
                data["was_delivered"] = True
            if status == FAILED:
                data["error"] = {
                    "code": update.error_code,
                    "title": update.error_title,
                    "details": update.error_details,
                }
                key = (recipient.campaign_id, update.error_code or "failed")
                message = update.error_details or update.error_title or "Failed"
                count, _, latest = errors.get(key, (0, message, at))
                errors[key] = (count + 1, message, max(latest, at))
            events.append(
                NewEvent(
                    account_id=recipient.account_id,
                    campaign_id=recipient.campaign_id,
                    recipient_id=recipient.id,
                    contact_id=recipient.contact_id,
                    type=status,
                    occurred_at=at,
                    data=data,
                )
            )
    if changed:
        values_update(
            Recipient,
            list(changed.values()),
            list(WRITTEN),
        )
        events_record(events)
        _bump_counters(counters)
        _record_errors(errors)
    result.recipient_ids = sorted(changed)
    return result


def _advance(recipient: Recipient, update: StatusUpdate, at: dt.datetime) -> list[tuple[str, bool]]:
    """Move ``recipient`` (in memory) toward ``update.status``: the statuses newly reached,
    each with whether it was only implied; empty when the update changes nothing."""
    current = recipient.status
    if not status_may_move(current, update.status):
        return []
    rank = RANK[current]
    steps: list[tuple[str, bool]] = []
    if update.status == FAILED:
        if rank == RANK[Recipient.Status.DELIVERED]:
            steps.append((UNDELIVERED, True))  # takes it back out of the delivered count
        recipient.status = Recipient.Status.FAILED
        recipient.failed_at = at
        recipient.error_code = (update.error_code or "failed")[:32]
        recipient.error_title = update.error_title[:200]
        recipient.error_message = (update.error_details or update.error_title or "Failed")[:500]
        steps.append((FAILED, False))
        return steps
    target = RANK[update.status]
    for status in (SENT, DELIVERED, READ)[rank:target]:
        implied = status != update.status
        field_name = f"{status}_at"
        if getattr(recipient, field_name) is None:
            setattr(recipient, field_name, at)
        steps.append((status, implied))
    recipient.status = update.status
    return steps


def _bump_counters(counters: dict[int, dict[str, int]]) -> None:
    columns = {
        SENT: "total_sent",
        DELIVERED: "total_delivered",
        READ: "total_opened",
        FAILED: "total_failed",
        UNDELIVERED: "total_delivered",
    }
    for campaign_id, counts in counters.items():
        changes: dict[str, Combinable] = {}
        for status, n in counts.items():
            column = columns[status]
            delta = -n if status == UNDELIVERED else n
            changes[column] = changes.get(column, F(column)) + delta
        Campaign.objects.filter(pk=campaign_id).update(**changes)


def _record_errors(errors: dict[tuple[int, str], ErrorCount]) -> None:
    """Add the failures to each campaign's error log, each type with its latest time."""
    for (campaign_id, error_type), (count, message, at) in sorted(errors.items()):
        errors_record(campaign_id=campaign_id, errors={error_type: (count, message)}, at=at)
