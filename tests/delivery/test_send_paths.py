"""Each campaign type through each entry path that can start a send: the API, the pages, the
admin, a Schedule firing and the pipeline's tick. Only the intended recipients get a message;
a type the pipeline cannot send gets none, whichever door is tried."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from campaigns.models import Campaign
from delivery import dispatch, tasks
from tests.campaigns.world import SENDABLE, TYPES, audience, campaign_of, put_in_state, sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def doors(account, api, make_member, django_capture_on_commit_callbacks, settings):
    settings.CAMPAIGNS_TASKS_SYNC = True
    page = Client()
    page.force_login(make_member(account, Role.MANAGER))
    staff = Client()
    staff.force_login(
        get_user_model().objects.create_superuser(username="root", email="r@example.com")
    )

    def api_post(campaign, verb):
        return api.post(f"/api/campaigns/{campaign.pk}/{verb}", content_type="application/json")

    def page_post(campaign, action):
        return page.post(reverse("campaigns:action", args=[campaign.pk, action]))

    def admin_action(campaign, action):
        return staff.post(
            reverse("admin:campaigns_campaign_changelist"),
            {"action": action, ACTION_CHECKBOX_NAME: [campaign.pk]},
        )

    calls = {
        "api publish": ("draft", lambda c: api_post(c, "publish")),
        "api send": ("draft", lambda c: api_post(c, "send")),
        "api send a scheduled one": ("scheduled", lambda c: api_post(c, "send")),
        "api resume": ("paused-running", lambda c: api_post(c, "resume")),
        "page publish": ("draft", lambda c: page_post(c, "publish")),
        "page send a scheduled one": ("scheduled", lambda c: page_post(c, "send")),
        "page resume": ("paused-running", lambda c: page_post(c, "resume")),
        "admin resume": ("paused-running", lambda c: admin_action(c, "resume")),
        "admin send now": ("scheduled", lambda c: admin_action(c, "send_now")),
        "schedule fires": ("scheduled", lambda c: tasks.campaign_run(c.pk)),
    }

    def use(name, campaign):
        state, call = calls[name]
        campaign = put_in_state(campaign, state)
        with django_capture_on_commit_callbacks(execute=True):
            call(campaign)
        campaign.refresh_from_db()
        return campaign

    return use


DOORS = [
    "api publish",
    "api send",
    "api send a scheduled one",
    "api resume",
    "page publish",
    "page send a scheduled one",
    "page resume",
    "admin resume",
    "admin send now",
    "schedule fires",
]


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("door", DOORS)
def test_only_the_intended_recipients_get_a_message(account, doors, door, kind):
    # given a complete campaign of this type and an audience of 3 (+1 unsubscribed)
    phones = audience(account)
    campaign = campaign_of(account, kind)

    # when it is started through this door
    campaign = doors(door, campaign)

    # then the audience got it once if the type can be sent, and nobody got anything otherwise
    if kind in SENDABLE:
        assert sorted(sent_to(account)) == sorted(phones)
        assert campaign.status == Campaign.Status.COMPLETED
    else:
        assert sent_to(account) == []
        assert campaign.status != Campaign.Status.RUNNING


@pytest.mark.parametrize("kind", TYPES)
def test_pause_then_resume_through_the_api_never_sends_a_scheduled_campaign_early(
    account, api, kind, settings, django_capture_on_commit_callbacks
):
    # given a scheduled campaign (tomorrow)
    settings.CAMPAIGNS_TASKS_SYNC = True
    audience(account)
    campaign = put_in_state(campaign_of(account, kind), "scheduled")

    # when it is paused and resumed through the API
    with django_capture_on_commit_callbacks(execute=True):
        paused = api.post(f"/api/campaigns/{campaign.pk}/pause")
        resumed = api.post(f"/api/campaigns/{campaign.pk}/resume")

    # then nothing left, and it is scheduled again (or, for a type that cannot send, refused)
    assert paused.status_code == 200
    assert sent_to(account) == []
    campaign.refresh_from_db()
    if kind in SENDABLE:
        assert resumed.status_code == 200
        assert resumed.json()["status"] == "scheduled"
        assert campaign.status == Campaign.Status.SCHEDULED
    else:
        assert resumed.status_code == 422
        assert "not available yet" in resumed.json()["detail"]
        assert campaign.status == Campaign.Status.PAUSED


def test_the_tick_never_broadcasts_a_journey_left_running(account, settings):
    settings.CAMPAIGNS_TASKS_SYNC = True
    audience(account)
    campaign = put_in_state(campaign_of(account, "automation"), "running")
    Campaign.objects.filter(pk=campaign.pk).update(
        updated_at=campaign.updated_at.replace(year=2020)
    )
    dispatch.tick()
    assert sent_to(account) == []
