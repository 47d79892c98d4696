"""The execution and analytics endpoints: answers, tenancy, permissions, bad input."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import Campaign
from tests.delivery.helpers import drain, running_campaign
from tests.factories import CampaignFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def someone(account):
    """Somebody to send to: an empty audience is not published."""
    return ContactFactory(account=account)


def url(campaign, action):
    return f"/api/campaigns/{campaign.pk}/{action}"


def test_send_publishes_a_draft_now(api, account, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(account=account)
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(url(campaign, "send"))
    assert response.status_code == 202
    assert response.json()["status"] == "running"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING
    assert len(callbacks) == 1  # the pipeline starts after commit


def test_send_twice_is_a_conflict(api, account):
    campaign = CampaignFactory(account=account)
    assert api.post(url(campaign, "send")).status_code == 202
    response = api.post(url(campaign, "send"))
    assert response.status_code == 409
    assert "running" in response.json()["detail"]


def test_send_an_invalid_campaign_is_422(api, account):
    campaign = CampaignFactory(account=account, sender=None)
    response = api.post(url(campaign, "send"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "phoneNumberId"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_endpoints_need_a_key_and_hide_other_accounts(api, account, other_account):
    client = Client()  # no credentials
    mine = CampaignFactory(account=account)
    theirs = CampaignFactory(account=other_account)
    for action in ("stats", "recipients", "events", "analytics"):
        assert client.get(url(mine, action)).status_code == 401
        assert api.get(url(theirs, action)).status_code == 404
    for action in ("send", "cancel"):
        assert client.post(url(mine, action)).status_code == 401
        assert api.post(url(theirs, action)).status_code == 404
    assert api.post(url(theirs, "schedule"), {}, content_type="application/json").status_code == (
        404
    )
    theirs.refresh_from_db()
    assert theirs.status == Campaign.Status.DRAFT


def test_a_viewer_cannot_send(client, viewer, account):
    campaign = CampaignFactory(account=account)
    client.force_login(viewer)
    response = client.post(url(campaign, "send"))
    assert response.status_code == 403
    assert client.get(url(campaign, "stats")).status_code == 200


def test_schedule_sets_the_time_and_creates_the_schedule(
    api, account, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(account=account)
    start = timezone.now() + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            url(campaign, "schedule"),
            {
                "sendNow": False,
                "startDate": start.isoformat(),
                "timezone": "America/New_York",
                "frequency": "daily",
                "deliveryTime": "09:30",
                "endDate": (start + dt.timedelta(days=5)).isoformat(),
            },
            content_type="application/json",
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "scheduled"
    row = Schedule.objects.get(name=f"campaign-{campaign.pk}-run")
    local = row.next_run.astimezone(dt.timezone(dt.timedelta(0))).astimezone(
        __import__("zoneinfo").ZoneInfo("America/New_York")
    )
    assert (local.hour, local.minute) == (9, 30)
    campaign.refresh_from_db()
    assert campaign.frequency == "daily"
    assert campaign.timezone == "America/New_York"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sendNow": False, "startDate": "2020-01-01T00:00:00Z"}, "scheduling.startDate"),
        ({"sendNow": False, "timezone": "Mars/Olympus"}, "timezone"),
        ({"sendNow": False, "deliveryTime": "25:00"}, "deliveryTime"),
    ],
)
def test_schedule_rejects_bad_input_and_changes_nothing(api, account, payload, field):
    campaign = CampaignFactory(account=account)
    response = api.post(url(campaign, "schedule"), payload, content_type="application/json")
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.send_now is True


def test_cancel_a_running_campaign(api, account, wa_sender):
    campaign = running_campaign(account, wa_sender, 3)
    response = api.post(url(campaign, "cancel"))
    assert response.status_code == 200
    assert response.json() == {
        "id": campaign.pk,
        "status": "completed",
        "statusReason": "cancelled",
        "nextRunAt": None,
    }
    assert api.post(url(campaign, "cancel")).status_code == 409


def test_stats_recipients_events_and_analytics_after_a_send(api, account, wa_sender, provider):
    campaign = running_campaign(account, wa_sender, 6, timezone="UTC")
    bad = campaign.recipients.select_related("contact").first()
    provider.errors_for[bad.contact.phone] = (
        400,
        {"error": {"message": "Bad number", "code": 100}},
    )
    drain(campaign)

    stats = api.get(url(campaign, "stats")).json()
    assert stats["totalRecipients"] == 6
    assert stats["totalSent"] == 5
    assert stats["totalFailed"] == 1
    assert stats["queue"]["sent"] == 5
    assert stats["queue"]["failed"] == 1
    assert stats["errorLog"][0]["errorType"] == "100"
    assert stats["errorLog"][0]["count"] == 1
    for key in ("deliveryRate", "openRate", "clickRate", "conversionRate", "estimatedRevenue"):
        assert key in stats

    page = api.get(url(campaign, "recipients"), {"status": "failed"}).json()
    assert page["count"] == 1
    item = page["items"][0]
    assert item["contactId"] == bad.contact_id
    assert item["phone"] == bad.contact.phone
    assert item["error"] == "Bad number"
    sent = api.get(url(campaign, "recipients"), {"pageSize": 2, "page": 2}).json()
    assert (sent["count"], len(sent["items"])) == (6, 2)
    assert sent["items"][0]["providerMessageId"].startswith("wamid.") or sent["items"][0]["error"]

    events = api.get(url(campaign, "events"), {"type": "sent"}).json()
    assert events["count"] == 5
    assert events["items"][0]["type"] == "sent"

    analytics = api.get(url(campaign, "analytics")).json()
    assert sum(h["sent"] for h in analytics["timeseries"]["hourly"]) == 5
    assert sum(h["failed"] for h in analytics["timeseries"]["hourly"]) == 1
    funnel = {stage["stage"]: stage["count"] for stage in analytics["funnel"]}
    assert (funnel["recipients"], funnel["sent"]) == (6, 5)
    assert analytics["byCountry"][0]["country"] == "FR"
    assert (analytics["byCountry"][0]["sent"], analytics["byCountry"][0]["failed"]) == (5, 1)


def test_bad_query_parameters_are_422(api, account):
    campaign = CampaignFactory(account=account)
    ContactFactory(account=account)
    assert api.get(url(campaign, "recipients"), {"status": "lost"}).status_code == 422
    assert api.get(url(campaign, "recipients"), {"page": 0}).status_code == 422
    assert api.get(url(campaign, "events"), {"pageSize": 10_000}).status_code == 422
