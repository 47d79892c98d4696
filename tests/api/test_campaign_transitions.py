"""publish / pause / resume through the API: the lifecycle's rules as HTTP answers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from campaigns.models import Campaign, CampaignActivity
from tests.factories import ContactFactory


def _set_status(campaign, status):
    paused_from = "running" if status == "paused" else ""
    Campaign.objects.filter(pk=campaign.pk).update(status=status, paused_from=paused_from)


def test_publish_a_ready_draft_starts_it(api, campaign):
    # when
    response = api.post(f"/api/campaigns/{campaign.pk}/publish")

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "running"
    assert body["startedAt"] is not None
    assert Campaign.objects.get(pk=campaign.pk).status == "running"


def test_publish_with_a_future_start_schedules_it(api, campaign):
    # given
    campaign.send_now = False
    campaign.start_date = timezone.now() + timedelta(days=2)
    campaign.save(update_fields=["send_now", "start_date"])

    # when
    body = api.post(f"/api/campaigns/{campaign.pk}/publish").json()

    # then
    assert body["status"] == "scheduled"


def test_publish_of_an_incomplete_campaign_lists_the_problems(api, account):
    # given a draft with no sender and no text, for an audience of one
    ContactFactory(account=account)
    created = api.post(
        "/api/campaigns", {"name": "Unfinished"}, content_type="application/json"
    ).json()

    # when
    response = api.post(f"/api/campaigns/{created['id']}/publish")

    # then
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"phoneNumberId", "message.content"}
    assert Campaign.objects.get(pk=created["id"]).status == "draft"


def test_publish_twice_is_409(api, campaign):
    api.post(f"/api/campaigns/{campaign.pk}/publish")
    response = api.post(f"/api/campaigns/{campaign.pk}/publish")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert "running" in body["detail"]


def test_pause_then_resume(api, campaign):
    # given a running campaign
    _set_status(campaign, "running")

    # when paused
    paused = api.post(f"/api/campaigns/{campaign.pk}/pause")

    # then
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"

    # when resumed
    resumed = api.post(f"/api/campaigns/{campaign.pk}/resume")

    # then
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "running"
    actions = set(
        CampaignActivity.objects.filter(campaign=campaign).values_list("action", flat=True)
    )
    assert {"pause", "resume"} <= actions


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "pause"),
        ("completed", "pause"),
        ("draft", "resume"),
        ("running", "resume"),
        ("completed", "resume"),
        ("completed", "publish"),
        ("paused", "publish"),
    ],
)
def test_a_bad_transition_is_409_and_changes_nothing(api, campaign, status, action):
    # given
    _set_status(campaign, status)

    # when
    response = api.post(f"/api/campaigns/{campaign.pk}/{action}")

    # then
    assert response.status_code == 409, response.content
    assert status in response.json()["detail"]
    assert Campaign.objects.get(pk=campaign.pk).status == status


def test_sending_needs_the_send_permission(make_key_client, campaign):
    # given a read-only key
    viewer_key = make_key_client(Role.VIEWER)

    # when it tries to publish
    response = viewer_key.post(f"/api/campaigns/{campaign.pk}/publish")

    # then
    assert response.status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"


def test_a_marketer_session_can_publish(marketer_client, campaign, user):
    response = marketer_client.post(f"/api/campaigns/{campaign.pk}/publish")
    assert response.status_code == 200
    assert CampaignActivity.objects.get(campaign=campaign, action="publish").actor == user
