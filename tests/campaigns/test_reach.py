"""estimatedReach and segment counts stay true: recounted when the audience is edited through
any path (API, wizard, admin), and refreshed by the periodic task when contacts change."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from audience.models import Segment
from campaigns import tasks
from campaigns.models import Campaign
from campaigns.services import crud, reach
from delivery import schedules
from tests.admin.formdata import change_form_data
from tests.factories import CampaignFactory, ContactFactory, SegmentFactory

pytestmark = pytest.mark.django_db

FRENCH = {"op": "and", "rules": [{"field": "country", "operator": "eq", "value": "FR"}]}


@pytest.fixture
def people(account):
    french = [ContactFactory(account=account, country="FR") for _ in range(3)]
    others = [ContactFactory(account=account, country="US") for _ in range(2)]
    return {"french": french, "others": others}


def test_a_campaign_created_through_the_api_has_its_reach(api, account, people):
    segment = SegmentFactory(account=account, name="French", filters=FRENCH)
    document = {
        "name": "API launch",
        "type": "broadcast",
        "audience": {"type": "segment", "segmentIds": [segment.pk]},
        "message": {"type": "text", "content": "Hello"},
    }
    response = api.post("/api/campaigns", document, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["audience"]["estimatedReach"] == 3
    campaign = Campaign.objects.get(pk=body["id"])
    assert campaign.estimated_reach == 3
    assert campaign.estimated_reach_at is not None

    # and replacing the audience through the API recounts it
    document["audience"] = {"type": "all"}
    response = api.put(f"/api/campaigns/{campaign.pk}", document, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["audience"]["estimatedReach"] == 5


def test_the_crud_service_recounts_only_when_the_audience_changed(account, people, user):
    campaign = crud.campaign_create(account=account, actor=user, data={"name": "Quiet"})
    assert campaign.estimated_reach == 5
    counted_at = campaign.estimated_reach_at
    # a contact joins; an edit of the message leaves the count alone...
    ContactFactory(account=account, country="FR")
    crud.campaign_update(
        campaign=campaign, actor=user, data={"message_content": "Hi"}, partial=True
    )
    campaign.refresh_from_db()
    assert (campaign.estimated_reach, campaign.estimated_reach_at) == (5, counted_at)
    # ... an edit of the audience recounts
    crud.campaign_update(
        campaign=campaign,
        actor=user,
        data={"audience_type": "custom", "custom_filters": FRENCH},
        partial=True,
    )
    campaign.refresh_from_db()
    assert campaign.estimated_reach == 4


def test_an_audience_that_cannot_be_counted_reaches_nobody(account, people, user):
    campaign = crud.campaign_create(account=account, actor=user, data={"name": "No segment"})
    crud.campaign_update(
        campaign=campaign, actor=user, data={"audience_type": "segment"}, partial=True
    )
    campaign.refresh_from_db()
    assert campaign.estimated_reach == 0


def test_an_admin_edit_of_the_audience_recounts(admin_client, account, people):
    segment = SegmentFactory(account=account, name="French", filters=FRENCH)
    campaign = CampaignFactory(account=account)
    assert campaign.estimated_reach == 0
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = change_form_data(
        admin_client.get(url), audience_type="segment", segments=[str(segment.pk)]
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert campaign.estimated_reach == 3


def test_the_periodic_refresh_recounts_the_stalest_first_and_is_bounded(
    account, other_account, people, settings
):
    settings.CAMPAIGNS_REACH_MAX_AGE_SECONDS = 600
    now = timezone.now()
    stale = now - dt.timedelta(hours=1)
    # given seeded rows never counted, one counted an hour ago, one just counted
    never = CampaignFactory(account=account, status=Campaign.Status.DRAFT)
    old = CampaignFactory(account=account, status=Campaign.Status.SCHEDULED)
    fresh = CampaignFactory(account=account, status=Campaign.Status.PAUSED)
    done = CampaignFactory(account=account, status=Campaign.Status.COMPLETED)
    deleted = CampaignFactory(account=account, deleted_at=now)
    Campaign.objects.filter(pk=old.pk).update(estimated_reach=1, estimated_reach_at=stale)
    Campaign.objects.filter(pk=fresh.pk).update(estimated_reach=1, estimated_reach_at=now)
    seeded = SegmentFactory(account=account, filters=FRENCH)
    theirs = SegmentFactory(account=other_account, filters={})
    assert seeded.counted_at is None

    # when a run may do two of each
    result = reach.counts_refresh_due(now=now, limit=2)

    # then the never-counted and the oldest went first, each within its own account
    assert result == {"segments": 2, "campaigns": 2}
    values = dict(Campaign.objects.values_list("pk", "estimated_reach"))
    assert values[never.pk] == 5
    assert values[old.pk] == 5
    assert values[fresh.pk] == 1
    assert values[done.pk] == 0
    assert values[deleted.pk] == 0
    assert Segment.objects.get(pk=seeded.pk).contact_count == 3
    assert Segment.objects.get(pk=theirs.pk).contact_count == 0

    # and the next run finds nothing left to do
    assert reach.counts_refresh_due(now=now, limit=2) == {"segments": 0, "campaigns": 0}


def test_a_segment_that_cannot_be_counted_counts_zero(account, people):
    broken = SegmentFactory(
        account=account,
        filters={"op": "and", "rules": [{"field": "attributes.gone", "operator": "exists"}]},
    )
    reach.counts_refresh_due(limit=10)
    broken.refresh_from_db()
    assert (broken.contact_count, broken.counted_at is not None) == (0, True)


def test_the_refresh_is_a_schedule_like_the_tick(account):
    # the migration made it; schedules_ensure makes it again on a fresh database
    assert Schedule.objects.filter(
        name="campaigns-reach-refresh", func="campaigns.tasks.reach_refresh"
    ).exists()
    Schedule.objects.all().delete()
    schedules.schedules_ensure()
    row = Schedule.objects.get(name=schedules.REACH_SCHEDULE)
    assert (row.func, row.schedule_type, row.minutes) == (
        "campaigns.tasks.reach_refresh",
        Schedule.MINUTES,
        1,
    )
    assert tasks.reach_refresh() == {"segments": 0, "campaigns": 0}


def test_the_seed_can_count_a_whole_account(account, other_account, people):
    SegmentFactory(account=account, filters=FRENCH)
    campaign = CampaignFactory(account=account, status=Campaign.Status.COMPLETED)
    theirs = CampaignFactory(account=other_account)
    assert reach.account_counts_refresh(account=account) == {"segments": 1, "campaigns": 1}
    campaign.refresh_from_db()
    theirs.refresh_from_db()
    assert campaign.estimated_reach == 5
    assert theirs.estimated_reach_at is None
    assert not Segment.objects.filter(account=account, counted_at__isnull=True).exists()
