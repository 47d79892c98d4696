"""``GET /api/campaigns/{id}/analytics``: the campaign's report, its filters, and refusals."""

import pytest

from tests.analytics.sample import campaign_with_activity
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

KEYS = {
    "campaignId",
    "currency",
    "timezone",
    "filters",
    "funnel",
    "timeseries",
    "heatmap",
    "byCountry",
    "byDevice",
    "links",
    "conversions",
    "byVariant",
    "cost",
    "revenue",
    "roi",
    "revenuePerRecipient",
}


@pytest.fixture
def campaign(account):
    return campaign_with_activity(account)


def _get(api, campaign, **params):
    return api.get(f"/api/campaigns/{campaign.pk}/analytics", params)


def test_the_report_answers_every_part_with_the_recorded_figures(api, campaign):
    # when
    response = _get(api, campaign)

    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    funnel = {s["stage"]: s["count"] for s in body["funnel"]}
    assert funnel == {
        "recipients": 3,
        "sent": 3,
        "delivered": 3,
        "read": 3,
        "clicked": 2,
        "converted": 2,
    }
    assert body["revenue"] == 65.5
    # sent to FR, US and JP (every other country) at the default WhatsApp marketing prices
    # in euros (no price row of its own: the defaults): 0.07903 + 0.02300 + 0.05557
    assert body["cost"] == 0.1576
    assert body["roi"] == 414.6091  # (65.50 - 0.15760) / 0.15760
    assert body["currency"] == campaign.account.currency
    countries = {r["country"]: r for r in body["byCountry"]}
    assert countries["FR"]["iso3"] == "FRA"
    assert countries["FR"]["revenue"] == 40.0
    assert countries["US"]["clicked"] == 1
    assert body["byDevice"]["device"] == [
        {"name": "mobile", "clicks": 2},
        {"name": "desktop", "clicks": 1},
    ]
    events = {r["event"]: r for r in body["conversions"]}
    assert events["purchase"] == {"event": "purchase", "count": 2, "unique": 2, "value": 65.5}
    assert events["signup"]["count"] == 1
    variants = {r["variant"]: r for r in body["byVariant"]}
    assert variants["A"]["recipients"] == 2
    assert variants["A"]["clickRate"] == 50.0
    assert variants["B"]["clickRate"] == 100.0
    assert sum(map(sum, body["heatmap"]["read"])) == 3
    assert [d["day"] for d in body["timeseries"]["daily"]] == ["2026-03-02", "2026-03-03"]
    assert body["links"] == []


def test_a_period_and_a_variant_narrow_the_report(api, campaign):
    # when only the second UTC day, then only variant B, are asked for
    day2 = _get(api, campaign, since="2026-03-03", until="2026-03-03").json()
    b = _get(api, campaign, variant="B").json()

    # then
    assert day2["filters"] == {"since": "2026-03-03", "until": "2026-03-03", "variant": None}
    assert {s["stage"]: s["count"] for s in day2["funnel"]}["sent"] == 1
    assert [r["country"] for r in day2["byCountry"]] == ["JP"]
    assert day2["revenue"] == 0
    assert {s["stage"]: s["count"] for s in b["funnel"]}["recipients"] == 1
    assert b["revenue"] == 25.5
    assert [r["variant"] for r in b["byVariant"]] == ["B"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-02-30"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2026-03-05", "until": "2026-03-01"}, ""),
        ({"variant": "x" * 33}, "variant"),
    ],
)
def test_bad_filters_are_refused_with_a_clear_message(api, campaign, params, field):
    # when
    response = _get(api, campaign, **params)

    # then
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert any(field in e["field"] for e in body["errors"])
    if "since" in params and "until" in params:
        assert "since is after until" in body["detail"]


def test_another_account_s_campaign_is_not_found(api, other_account):
    # given
    theirs = CampaignFactory(account=other_account)

    # when
    response = _get(api, theirs)

    # then
    assert response.status_code == 404
