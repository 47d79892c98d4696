"""Helpers of the delivery tests: campaigns ready to send and an inline task runner."""

from django.utils import timezone

from campaigns.models import Campaign
from delivery import dispatch, tasks
from delivery.models import Recipient
from tests.factories import CampaignFactory, ContactFactory


def running_campaign(account, sender, n: int, **fields) -> Campaign:
    """A running campaign with ``n`` pending recipients due now (materialised by hand)."""
    campaign = CampaignFactory(
        account=account,
        sender=sender,
        status=Campaign.Status.RUNNING,
        started_at=timezone.now(),
        prepared_at=timezone.now(),
        message_content="Hi {{first_name}}, the sale is on!",
        **fields,
    )
    contacts = [ContactFactory(account=account) for _ in range(n)]
    Recipient.objects.bulk_create(
        [Recipient(account=account, campaign=campaign, contact=c) for c in contacts]
    )
    Campaign.objects.filter(pk=campaign.pk).update(total_recipients=n)
    campaign.refresh_from_db()
    return campaign


def drain(campaign: Campaign, *, rounds: int = 50) -> None:
    """Run the pipeline's tasks inline (what the cluster would do) until nothing is left."""
    dispatch.dispatch_due(campaign_id=campaign.pk)
    for _ in range(rounds):
        batches = list(
            dispatch.claimable_batches(campaign.pk).values_list("pk", flat=True).order_by("pk")
        )
        if not batches:
            break
        for batch_id in batches:
            tasks.batch_send(batch_id)
        if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.RUNNING).exists():
            break
    dispatch.campaign_finish_if_done(campaign_id=campaign.pk)
    campaign.refresh_from_db()


def statuses(campaign: Campaign) -> dict[str, int]:
    result: dict[str, int] = {}
    for status in Recipient.objects.filter(campaign=campaign).values_list("status", flat=True):
        result[status] = result.get(status, 0) + 1
    return result
