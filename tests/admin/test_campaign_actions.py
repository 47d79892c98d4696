"""Admin actions move campaigns through the lifecycle service and report each refusal."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from campaigns.models import Campaign, CampaignActivity
from campaigns.services import transitions
from core.errors import ApplicationError
from delivery import control
from tests.admin.formdata import change_form_data
from tests.factories import CampaignFactory, VariantFactory

Status = Campaign.Status
URL = reverse("admin:campaigns_campaign_changelist")


def _run(client, action, *campaigns):
    response = client.post(
        URL,
        {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in campaigns]},
        follow=True,
    )
    assert response.status_code == 200
    return [(m.level_tag, m.message) for m in response.context["messages"]]


def _refusal(service, campaign) -> tuple[str, str]:
    """The note the admin must show: the lifecycle's own message for this campaign."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    with pytest.raises(ApplicationError) as info:
        service(campaign=campaign, actor=None)
    return ("error", f"“{campaign.name}”: {info.value.message}")


@pytest.mark.django_db
def test_pause_moves_running_campaigns_and_records_the_staff_member(
    admin_client, superuser, account
):
    # given two running campaigns
    first = CampaignFactory(account=account, status=Status.RUNNING)
    second = CampaignFactory(account=account, status=Status.RUNNING)

    # when staff pause both
    notes = _run(admin_client, "pause", first, second)

    # then both are paused, with history naming the staff member
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.PAUSED, Status.PAUSED)
    assert CampaignActivity.objects.filter(action="pause", actor=superuser).count() == 2
    assert notes == [("success", "Paused 2 campaign(s).")]


@pytest.mark.django_db
def test_pause_reports_a_refused_transition_and_still_pauses_the_rest(admin_client, account):
    # given a draft (cannot be paused) and a running campaign
    draft = CampaignFactory(account=account, name="Spring draft", status=Status.DRAFT)
    running = CampaignFactory(account=account, status=Status.RUNNING)

    # when staff pause both
    notes = _run(admin_client, "pause", draft, running)

    # then the draft is untouched and its refusal carries the lifecycle's own message
    draft.refresh_from_db()
    running.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert running.status == Status.PAUSED
    assert _refusal(control.campaign_pause, draft) in notes
    assert "draft" in _refusal(control.campaign_pause, draft)[1]
    assert ("success", "Paused 1 campaign(s).") in notes
    assert not CampaignActivity.objects.filter(campaign=draft).exists()


@pytest.mark.django_db
def test_resume_restarts_paused_campaigns_and_refuses_completed_ones(admin_client, account):
    paused = CampaignFactory(account=account, status=Status.PAUSED)
    completed = CampaignFactory(account=account, name="Done", status=Status.COMPLETED)

    notes = _run(admin_client, "resume", paused, completed)

    paused.refresh_from_db()
    completed.refresh_from_db()
    assert paused.status == Status.RUNNING
    assert paused.started_at is not None
    assert completed.status == Status.COMPLETED
    assert _refusal(control.campaign_resume, completed) in notes


@pytest.mark.django_db
def test_duplicate_makes_a_draft_copy_with_variants_and_no_stats(admin_client, account):
    # given a completed A/B test with stats and two variants
    source = CampaignFactory(
        account=account,
        name="Offer test",
        type=Campaign.Type.AB_TEST,
        status=Status.COMPLETED,
        total_sent=500,
    )
    VariantFactory(campaign=source, key="A", is_winner=True)
    VariantFactory(campaign=source, key="B")

    # when staff duplicate it
    notes = _run(admin_client, "duplicate", source)

    # then a fresh draft copy exists, the source is unchanged
    copy = Campaign.objects.get(name="Offer test (copy)")
    assert copy.status == Status.DRAFT
    assert copy.total_sent == 0
    assert sorted(copy.variants.values_list("key", "is_winner")) == [("A", False), ("B", False)]
    source.refresh_from_db()
    assert source.status == Status.COMPLETED
    assert notes == [("success", "Duplicated 1 campaign(s).")]


@pytest.mark.django_db
def test_soft_delete_hides_the_campaign_and_restore_brings_it_back(admin_client, account):
    campaign = CampaignFactory(account=account, status=Status.DRAFT)

    _run(admin_client, "soft_delete", campaign)
    campaign.refresh_from_db()
    assert campaign.deleted_at is not None
    assert Campaign.objects.filter(pk=campaign.pk).exists()  # soft: the row stays
    deleted_list = admin_client.get(URL, {"deleted": "yes"})
    alive_list = admin_client.get(URL, {"deleted": "no"})
    assert [c.pk for c in deleted_list.context["cl"].result_list] == [campaign.pk]
    assert campaign.pk not in [c.pk for c in alive_list.context["cl"].result_list]

    notes = _run(admin_client, "restore", campaign)
    campaign.refresh_from_db()
    assert campaign.deleted_at is None
    assert notes == [("success", "Restored 1 campaign(s).")]


@pytest.mark.django_db
def test_soft_delete_refuses_a_running_campaign(admin_client, account):
    running = CampaignFactory(account=account, name="Live", status=Status.RUNNING)

    notes = _run(admin_client, "soft_delete", running)

    running.refresh_from_db()
    assert running.deleted_at is None
    assert notes == [_refusal(transitions.campaign_delete, running)]


@pytest.mark.django_db
def test_pausing_a_deleted_campaign_is_refused(admin_client, account):
    gone = CampaignFactory(account=account, name="Gone", status=Status.RUNNING)
    Campaign.objects.filter(pk=gone.pk).update(status=Status.PAUSED, paused_from=Status.RUNNING)
    gone.refresh_from_db()
    _run(admin_client, "soft_delete", gone)

    notes = _run(admin_client, "resume", gone)

    gone.refresh_from_db()
    assert gone.status == Status.PAUSED
    assert notes == [_refusal(control.campaign_resume, gone)]
    assert "deleted" in notes[0][1]


@pytest.mark.django_db
def test_hard_delete_is_not_offered(admin_client, account):
    campaign = CampaignFactory(account=account)

    listing = admin_client.get(URL)
    delete_page = admin_client.get(reverse("admin:campaigns_campaign_delete", args=[campaign.pk]))

    actions = [name for name, _ in listing.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"pause", "resume", "duplicate", "soft_delete", "restore"} <= set(actions)
    assert delete_page.status_code == 403
    assert Campaign.objects.filter(pk=campaign.pk).exists()


@pytest.mark.django_db
def test_status_cannot_be_changed_through_the_change_form(admin_client, account):
    # given a draft campaign
    campaign = CampaignFactory(account=account, status=Status.DRAFT)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    page = admin_client.get(url)

    # when staff post the form with status=running smuggled in
    data = change_form_data(page, status="running", name="Renamed")
    response = admin_client.post(url, data)

    # then the other edit is saved but the status stays draft
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert campaign.name == "Renamed"
    assert campaign.status == Status.DRAFT
