from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from tests.factories import CampaignFactory, VariantFactory


def _ids(response):
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def many(account):
    """25 campaigns created a minute apart: Campaign 00 is the oldest."""
    now = timezone.now()
    campaigns = []
    for n in range(25):
        c = CampaignFactory(account=account, name=f"Campaign {n:02d}")
        Campaign.objects.filter(pk=c.pk).update(created_at=now - timedelta(minutes=25 - n))
        campaigns.append(c)
    return campaigns


def test_list_answers_items_and_count(api, campaign):
    # when
    response = api.get("/api/campaigns")

    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 1
    assert body["items"][0]["name"] == "Spring sale"
    assert "abTest" in body["items"][0]


def test_pages_default_to_20_newest_first(api, many):
    # when
    first = api.get("/api/campaigns")
    second = api.get("/api/campaigns?page=2")
    beyond = api.get("/api/campaigns?page=3")

    # then
    assert first.json()["count"] == 25
    assert _ids(first) == [c.pk for c in reversed(many)][:20]
    assert _ids(second) == [c.pk for c in reversed(many)][20:]
    assert beyond.json() == {"items": [], "count": 25}


def test_page_size(api, many):
    response = api.get("/api/campaigns?pageSize=10&page=3")
    assert _ids(response) == [c.pk for c in reversed(many)][20:25]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("pageSize=101", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("page=0", "page"),
        ("page=first", "page"),
        ("status=sleeping", "status"),
        ("type=blast", "type"),
        ("sort=colour", "sort"),
    ],
)
def test_bad_list_parameters_are_422(api, query, field):
    response = api.get(f"/api/campaigns?{query}")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_filter_by_status_and_type(api, account):
    # given
    running = CampaignFactory(account=account, status="running", type="drip")
    CampaignFactory(account=account, status="running", type="broadcast")
    CampaignFactory(account=account, status="draft", type="drip")

    # when / then
    assert _ids(api.get("/api/campaigns?status=running&type=drip")) == [running.pk]
    assert api.get("/api/campaigns?status=running").json()["count"] == 2
    assert api.get("/api/campaigns?type=drip").json()["count"] == 2
    assert api.get("/api/campaigns?status=").json()["count"] == 3


def test_search_in_name_and_description(api, account):
    # given
    by_name = CampaignFactory(account=account, name="Black Friday", description="")
    by_text = CampaignFactory(account=account, name="Other", description="black friday teaser")
    CampaignFactory(account=account, name="Christmas", description="")

    # when
    response = api.get("/api/campaigns?q=friday")

    # then
    assert sorted(_ids(response)) == sorted([by_name.pk, by_text.pk])


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", ["Alpha", "Bravo", "Charlie"]), ("-name", ["Charlie", "Bravo", "Alpha"])],
)
def test_sort(api, account, sort, expected):
    for name in ("Bravo", "Charlie", "Alpha"):
        CampaignFactory(account=account, name=name)
    response = api.get(f"/api/campaigns?sort={sort}")
    assert [item["name"] for item in response.json()["items"]] == expected


def test_sort_by_sent(api, account):
    low = CampaignFactory(account=account, total_sent=5)
    high = CampaignFactory(account=account, total_sent=500)
    assert _ids(api.get("/api/campaigns?sort=-sent")) == [high.pk, low.pk]


def test_deleted_campaigns_are_not_listed(api, account, campaign):
    # given
    gone = CampaignFactory(account=account, name="Gone")
    api.delete(f"/api/campaigns/{gone.pk}")

    # when / then
    body = api.get("/api/campaigns").json()
    assert _ids_of(body) == [campaign.pk]
    assert body["count"] == 1


def _ids_of(body):
    return [item["id"] for item in body["items"]]


def test_listing_costs_the_same_queries_for_more_campaigns(
    api, account, django_assert_max_num_queries
):
    # given campaigns with variants
    for _ in range(30):
        c = CampaignFactory(account=account)
        VariantFactory(campaign=c, key="A")
        VariantFactory(campaign=c, key="B")

    # when / then: a fixed number of queries, not one per campaign
    with django_assert_max_num_queries(15):
        response = api.get("/api/campaigns?pageSize=30")
    assert len(response.json()["items"]) == 30
