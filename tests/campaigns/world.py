"""Campaigns of every type put into every lifecycle state, and a way to see what was sent.

The send-guard tests run the real pipeline inline (``CAMPAIGNS_TASKS_SYNC``) against the
sandbox provider, whose ``SandboxMessage`` rows are exactly what left; an audience always
holds one unsubscribed contact that must never get a message.
"""

from datetime import timedelta

from django.utils import timezone

from audience.models import Contact
from campaigns.models import AutomationTrigger, Campaign
from delivery import schedules
from delivery.prepare import recipients_materialise
from messaging.models import SandboxMessage
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    SenderFactory,
    VariantFactory,
    WorkflowStepFactory,
)

Status = Campaign.Status
TYPES = [t.value for t in Campaign.Type]
SENDABLE = {Campaign.Type.BROADCAST.value, Campaign.Type.AB_TEST.value}
STATES = [
    "draft",
    "scheduled",
    "running",
    "paused-scheduled",
    "paused-running",
    "completed",
    "failed",
]


def audience(account, n: int = 3) -> set[str]:
    """``n`` subscribed contacts plus one unsubscribed; returns the phones that may be sent."""
    contacts = [ContactFactory(account=account) for _ in range(n)]
    ContactFactory(account=account, subscribed=False)
    return {c.phone for c in contacts}


def campaign_of(account, kind: str, **fields) -> Campaign:
    """A complete campaign of ``kind``: valid in every respect but, maybe, its type."""
    sender = fields.pop("sender", None) or SenderFactory(account=account)
    campaign = CampaignFactory(account=account, sender=sender, type=kind, **fields)
    if kind == Campaign.Type.AB_TEST:
        Campaign.objects.filter(pk=campaign.pk).update(ab_enabled=True)
        VariantFactory(campaign=campaign, key="A", split_percentage=50)
        VariantFactory(campaign=campaign, key="B", split_percentage=50)
    if kind in (Campaign.Type.DRIP, Campaign.Type.AUTOMATION):
        WorkflowStepFactory(campaign=campaign, step_id="welcome", position=0)
    if kind == Campaign.Type.AUTOMATION:
        AutomationTrigger.objects.create(
            campaign=campaign, type=AutomationTrigger.Type.TAG_ADDED, condition={"tag": "vip"}
        )
    campaign.refresh_from_db()
    return campaign


def put_in_state(campaign: Campaign, state: str) -> Campaign:
    """Write ``state`` the way the product would have left it (rows, Schedule, recipients)."""
    now = timezone.now()
    tomorrow = now + timedelta(days=1)
    future = {"send_now": False, "start_date": tomorrow}
    sendable = campaign.type in SENDABLE
    fields: dict = {
        "draft": {"status": Status.DRAFT},
        "scheduled": {"status": Status.SCHEDULED, **future},
        "running": {"status": Status.RUNNING, "started_at": now},
        "paused-scheduled": {"status": Status.PAUSED, "paused_from": Status.SCHEDULED, **future},
        "paused-running": {
            "status": Status.PAUSED,
            "paused_from": Status.RUNNING,
            "started_at": now,
        },
        "completed": {"status": Status.COMPLETED, "started_at": now, "completed_at": now},
        "failed": {"status": Status.FAILED, "status_reason": "provider down", "completed_at": now},
    }[state]
    Campaign.objects.filter(pk=campaign.pk).update(**fields)
    campaign.refresh_from_db()
    if state == "scheduled":
        schedules.run_schedule_set(campaign=campaign, at=tomorrow)
    if state in ("running", "paused-running") and sendable:
        # Materialised as the pipeline does; nobody sent yet.
        recipients_materialise(campaign=campaign)
        Campaign.objects.filter(pk=campaign.pk).update(prepared_at=now)
    campaign.refresh_from_db()
    return campaign


def sent_to(account) -> list[str]:
    return list(SandboxMessage.objects.for_account(account).values_list("to", flat=True))


def unsubscribed_phones(account) -> set[str]:
    return set(
        Contact.objects.for_account(account)
        .filter(subscribed=False)
        .values_list("phone", flat=True)
    )
