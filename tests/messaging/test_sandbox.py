"""The sandbox provider: records messages and plays back statuses through status_apply."""

import ast
import datetime as dt

from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import Campaign
from delivery.models import Recipient
from messaging import tasks
from messaging.models import SandboxMessage
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from messaging.providers.sandbox import sandbox_outcome
from tests.factories import CampaignFactory, SenderFactory, make_recipients

SANDBOX_TASK = "messaging.tasks.sandbox_statuses_emit"


def _messages(recipients):
    return [
        OutboundMessage(
            recipient_id=r.pk,
            callback_data=f"recipient:{r.pk}",
            to_phone=r.contact.phone,
            text=f"Hello {r.pk}",
        )
        for r in recipients
    ]


def test_sandbox_records_messages_without_scheduling_by_default(account):
    sender = SenderFactory(account=account)
    campaign = CampaignFactory(account=account, sender=sender)
    recipients = make_recipients(campaign, 3, status=Recipient.Status.SENDING)
    adapter = get_adapter(sender)
    results = adapter.send_many(_messages(recipients))
    adapter.close()
    assert all(r.ok for r in results)
    rows = {m.provider_message_id: m for m in SandboxMessage.objects.all()}
    assert set(rows) == {r.provider_message_id for r in results}
    first = rows[results[0].provider_message_id]
    assert first.recipient_id == recipients[0].pk
    assert first.to == recipients[0].contact.phone
    assert first.body["text"] == f"Hello {recipients[0].pk}"
    assert first.body["callback_data"] == f"recipient:{recipients[0].pk}"
    assert not Schedule.objects.filter(func=SANDBOX_TASK).exists()


def test_sandbox_without_address_fails_that_message_only(account):
    sender = SenderFactory(account=account)
    adapter = get_adapter(sender)
    results = adapter.send_many(
        [
            OutboundMessage(recipient_id=1, callback_data="recipient:1", to_phone="+1650"),
            OutboundMessage(recipient_id=2, callback_data="recipient:2"),
        ]
    )
    assert [r.ok for r in results] == [True, False]
    assert results[1].error_code == "no_address"


def test_simulated_statuses_follow_a_timeline_through_status_apply(account, settings):
    # given: a sandbox sender that plays statuses back, and 60 sent recipients
    settings.SANDBOX_FAILED_PERCENT = 10
    settings.SANDBOX_READ_PERCENT = 50
    sender = SenderFactory(account=account, simulate_statuses=True)
    campaign = CampaignFactory(account=account, sender=sender, status="running")
    recipients = make_recipients(campaign, 60, status=Recipient.Status.SENDING)
    before = timezone.now()
    adapter = get_adapter(sender)
    results = adapter.send_many(_messages(recipients))
    adapter.close()
    # what the pipeline does with the results
    for recipient, result in zip(recipients, results, strict=True):
        recipient.status = Recipient.Status.SENT
        recipient.provider_message_id = result.provider_message_id
        recipient.sent_at = timezone.now()
    Recipient.objects.bulk_update(recipients, ["status", "provider_message_id", "sent_at"])
    Campaign.objects.filter(pk=campaign.pk).update(total_sent=60)
    # then: two one-off schedules, a few seconds and later
    schedules = list(Schedule.objects.filter(func=SANDBOX_TASK).order_by("next_run"))
    assert [s.schedule_type for s in schedules] == [Schedule.ONCE, Schedule.ONCE]
    assert before + dt.timedelta(seconds=2) < schedules[0].next_run < schedules[1].next_run
    # when: the cluster runs them (same function, same stored arguments)
    for schedule in schedules:
        tasks.sandbox_statuses_emit(*ast.literal_eval(schedule.args))
    # then: each message ends as its id foretold
    fates = {r.provider_message_id: sandbox_outcome(r.provider_message_id) for r in results}
    for recipient in recipients:
        recipient.refresh_from_db()
        assert recipient.status == fates[recipient.provider_message_id]
    counts = {f: list(fates.values()).count(f) for f in ("failed", "delivered", "read")}
    assert min(counts.values()) > 0  # the 60 ids cover every fate
    campaign.refresh_from_db()
    assert campaign.total_failed == counts["failed"]
    assert campaign.total_delivered == counts["delivered"] + counts["read"]
    assert campaign.total_opened == counts["read"]
    # and running a stage again changes nothing
    assert tasks.sandbox_statuses_emit(*ast.literal_eval(schedules[0].args)) == 0
