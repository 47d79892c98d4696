import pytest

from campaigns.models import Campaign, CampaignActivity
from campaigns.services import lifecycle
from core.errors import Conflict, ValidationFailed
from tests.factories import CampaignFactory, SenderFactory, VariantFactory

Status = Campaign.Status

ALLOWED = [
    (Status.DRAFT, Status.SCHEDULED),
    (Status.DRAFT, Status.RUNNING),
    (Status.SCHEDULED, Status.DRAFT),
    (Status.SCHEDULED, Status.RUNNING),
    (Status.RUNNING, Status.PAUSED),
    (Status.RUNNING, Status.COMPLETED),
    (Status.RUNNING, Status.FAILED),
    (Status.PAUSED, Status.RUNNING),
    (Status.PAUSED, Status.COMPLETED),
]
FORBIDDEN = [
    (Status.DRAFT, Status.PAUSED),
    (Status.DRAFT, Status.COMPLETED),
    (Status.RUNNING, Status.DRAFT),
    (Status.RUNNING, Status.SCHEDULED),
    (Status.COMPLETED, Status.RUNNING),
    (Status.COMPLETED, Status.DRAFT),
    (Status.FAILED, Status.RUNNING),
]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_transitions(source, target):
    campaign = Campaign(status=source)
    lifecycle.require(campaign, to=target)


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_forbidden_transitions_name_both_states(source, target):
    campaign = Campaign(status=source)
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.require(campaign, to=target)
    assert Status(source).label.lower() in info.value.message
    assert info.value.status_code == 409


@pytest.mark.django_db
def test_publish_send_now_runs_and_records_history(user):
    campaign = CampaignFactory(account=user.memberships.get().account)
    lifecycle.campaign_publish(campaign=campaign, actor=user)
    campaign.refresh_from_db()
    assert campaign.status == Status.RUNNING
    assert campaign.started_at is not None
    assert CampaignActivity.objects.filter(campaign=campaign, action="publish", actor=user).exists()


@pytest.mark.django_db
def test_publish_in_future_schedules():
    from datetime import timedelta

    from django.utils import timezone

    campaign = CampaignFactory(send_now=False, start_date=timezone.now() + timedelta(days=1))
    lifecycle.campaign_publish(campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == Status.SCHEDULED


@pytest.mark.django_db
def test_publish_refuses_invalid_campaign_and_changes_nothing():
    campaign = CampaignFactory(sender=None, message_content="")
    with pytest.raises(ValidationFailed) as info:
        lifecycle.campaign_publish(campaign=campaign)
    fields = {p["field"] for p in info.value.extra["problems"]}
    assert fields == {"phoneNumberId", "message.content"}
    assert Campaign.objects.get(pk=campaign.pk).status == Status.DRAFT


@pytest.mark.django_db
def test_pause_then_resume():
    campaign = CampaignFactory(status=Status.RUNNING)
    lifecycle.campaign_pause(campaign=campaign, reason="checking numbers")
    assert Campaign.objects.get(pk=campaign.pk).status_reason == "checking numbers"
    lifecycle.campaign_resume(campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == Status.RUNNING


@pytest.mark.django_db
def test_transition_reads_the_stored_status_not_a_stale_copy():
    campaign = CampaignFactory(status=Status.RUNNING)
    stale = Campaign.objects.get(pk=campaign.pk)
    lifecycle.campaign_complete(campaign=campaign)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.campaign_pause(campaign=stale)


@pytest.mark.django_db
def test_running_campaign_cannot_be_deleted_but_paused_can_and_restores():
    campaign = CampaignFactory(status=Status.RUNNING)
    with pytest.raises(Conflict):
        lifecycle.campaign_delete(campaign=campaign)
    lifecycle.campaign_pause(campaign=campaign)
    lifecycle.campaign_delete(campaign=campaign)
    assert not Campaign.objects.alive().filter(pk=campaign.pk).exists()
    lifecycle.campaign_restore(campaign=campaign)
    assert Campaign.objects.alive().filter(pk=campaign.pk).exists()


@pytest.mark.django_db
def test_deleted_campaign_cannot_transition():
    campaign = CampaignFactory()
    lifecycle.campaign_delete(campaign=campaign)
    with pytest.raises(Conflict):
        lifecycle.campaign_publish(campaign=campaign)


@pytest.mark.django_db
def test_duplicate_copies_settings_and_variants_not_stats():
    campaign = CampaignFactory(
        type=Campaign.Type.AB_TEST, status=Status.COMPLETED, total_sent=40, ab_enabled=True
    )
    VariantFactory(campaign=campaign, key="A", is_winner=True)
    VariantFactory(campaign=campaign, key="B")
    copy = lifecycle.campaign_duplicate(campaign=campaign)
    assert copy.pk != campaign.pk
    assert copy.name == f"{campaign.name} (copy)"
    assert copy.status == Status.DRAFT
    assert copy.total_sent == 0
    assert sorted(copy.variants.values_list("key", "is_winner")) == [("A", False), ("B", False)]
    again = lifecycle.campaign_duplicate(campaign=campaign)
    assert again.name == f"{campaign.name} (copy) 2"


@pytest.mark.django_db
def test_disabled_sender_blocks_publish():
    campaign = CampaignFactory(sender=SenderFactory(is_active=False))
    with pytest.raises(ValidationFailed, match="disabled"):
        lifecycle.campaign_publish(campaign=campaign)
