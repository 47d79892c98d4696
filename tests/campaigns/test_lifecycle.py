"""The lifecycle's table (``campaigns.lifecycle``) and the transitions that apply it
(``campaigns.services.transitions``): refusals that say why, history, the stored status read
under a lock, delete, restore and duplicate. Every (state, action, type) through the control
facade is in tests/delivery/test_control.py."""

import pytest
from django.utils import timezone

from campaigns import lifecycle
from campaigns.models import Campaign, CampaignActivity
from campaigns.services import transitions
from core.errors import Conflict
from delivery import control
from tests.campaigns.world import audience, campaign_of, put_in_state
from tests.factories import CampaignFactory, VariantFactory

pytestmark = pytest.mark.django_db
Status = Campaign.Status


def test_transitions_record_history_with_the_state_they_left(account, user, inline_pipeline):
    audience(account)
    campaign = put_in_state(campaign_of(account, "broadcast"), "scheduled")
    inline_pipeline(lambda: control.campaign_pause(campaign=campaign, actor=user))
    row = CampaignActivity.objects.get(campaign=campaign, action="pause")
    assert row.actor == user
    assert row.detail["previous"] == "scheduled"


def test_a_refusal_names_the_state_and_what_it_can_do():
    campaign = Campaign(status=Status.PAUSED, paused_from=Status.SCHEDULED)
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.require(campaign, lifecycle.Action.CANCEL)
    assert info.value.message == (
        "A paused scheduled campaign cannot cancel (it can: resume, begin, unschedule, fail)."
    )
    assert info.value.status_code == 409


def test_transition_reads_the_stored_status_not_a_stale_copy(account):
    campaign = put_in_state(campaign_of(account, "broadcast"), "running")
    stale = Campaign.objects.get(pk=campaign.pk)
    transitions.campaign_complete(campaign=campaign)
    with pytest.raises(lifecycle.TransitionError):
        control.campaign_pause(campaign=stale)


def test_running_campaign_cannot_be_deleted_but_paused_can_and_restores(account):
    campaign = put_in_state(campaign_of(account, "broadcast"), "running")
    with pytest.raises(Conflict):
        transitions.campaign_delete(campaign=campaign)
    control.campaign_pause(campaign=campaign)
    transitions.campaign_delete(campaign=campaign)
    assert not Campaign.objects.alive().filter(pk=campaign.pk).exists()
    with pytest.raises(Conflict):
        control.campaign_resume(campaign=campaign)
    transitions.campaign_restore(campaign=campaign)
    assert Campaign.objects.alive().filter(pk=campaign.pk).exists()


def test_duplicate_copies_settings_and_variants_not_stats_nor_delivery_state():
    campaign = CampaignFactory(
        type=Campaign.Type.AB_TEST,
        status=Status.COMPLETED,
        total_sent=40,
        ab_enabled=True,
        prepared_at=timezone.now(),
        run_count=3,
    )
    VariantFactory(campaign=campaign, key="A", is_winner=True)
    VariantFactory(campaign=campaign, key="B")
    copy = transitions.campaign_duplicate(campaign=campaign)
    assert copy.pk != campaign.pk
    assert copy.name == f"{campaign.name} (copy)"
    assert copy.status == Status.DRAFT
    assert copy.total_sent == 0
    # a copy that kept prepared_at would never materialise its audience when published
    assert (copy.prepared_at, copy.run_count) == (None, 0)
    assert sorted(copy.variants.values_list("key", "is_winner")) == [("A", False), ("B", False)]
    again = transitions.campaign_duplicate(campaign=campaign)
    assert again.name == f"{campaign.name} (copy) 2"
