"""Audiences with their exclusions: ``POST /api/audience/estimate``, ``audience_queryset`` and
``campaign_refresh_reach`` all count the same single query."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audience.selectors import audience_queryset
from audience.services.segments import campaign_refresh_reach, segment_update
from campaigns.models import Campaign
from delivery.models import Recipient
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    SegmentFactory,
    SuppressionEntryFactory,
    TagFactory,
)


def _rule(field, operator, value):
    return {"op": "and", "rules": [{"field": field, "operator": operator, "value": value}]}


@pytest.fixture
def people(account, other_account):
    """Five contacts of the account and two of a rival that match everything."""
    vip = TagFactory(account=account, name="vip")
    p = {
        "fr1": ContactFactory(account=account, country="FR", email="fr1@example.com"),
        "fr2": ContactFactory(account=account, country="FR", email="Fr2@Example.com"),
        "us": ContactFactory(account=account, country="US", timezone="America/New_York"),
        "gb": ContactFactory(account=account, country="GB", timezone="Europe/London"),
        "gone": ContactFactory(account=account, country="FR", subscribed=False),
    }
    p["fr1"].tags.add(vip)
    p["us"].tags.add(vip)
    ContactFactory(account=other_account, country="FR")
    ContactFactory(account=other_account, country="US")
    return p


def _estimate(api, audience):
    return api.post("/api/audience/estimate", audience, content_type="application/json")


@pytest.mark.django_db
def test_all_contacts_minus_unsubscribed(api, people):
    # when
    default = _estimate(api, {"type": "all"})
    everyone = _estimate(api, {"type": "all", "excludeUnsubscribed": False})
    # then
    assert default.status_code == 200
    assert default.json() == {"estimatedReach": 4}
    assert everyone.json() == {"estimatedReach": 5}


@pytest.mark.django_db
def test_segments_are_a_union(api, account, people):
    # given
    french = SegmentFactory(account=account, filters=_rule("country", "eq", "FR"))
    vip = SegmentFactory(account=account, filters=_rule("tags", "has_any", ["vip"]))
    # when
    response = _estimate(api, {"type": "segment", "segmentIds": [french.pk, vip.pk]})
    # then: fr1, fr2, us (gone is unsubscribed)
    assert response.json() == {"estimatedReach": 3}


@pytest.mark.django_db
def test_custom_filters(api, people):
    # when
    response = _estimate(
        api,
        {
            "type": "custom",
            "customFilters": _rule("country", "in", ["FR", "GB"]),
            "excludeUnsubscribed": False,
        },
    )
    # then
    assert response.json() == {"estimatedReach": 4}


@pytest.mark.django_db
def test_excluded_segments(api, account, people):
    # given
    vip = SegmentFactory(account=account, filters=_rule("tags", "has_any", ["vip"]))
    # when
    response = _estimate(api, {"type": "all", "excludeSegmentIds": [vip.pk]})
    # then: fr2, gb
    assert response.json() == {"estimatedReach": 2}


@pytest.mark.django_db
def test_suppression_list_by_phone_and_by_email(api, account, people):
    # given
    SuppressionEntryFactory(account=account, phone=people["us"].phone)
    SuppressionEntryFactory(account=account, phone=None, email="fr2@example.com")
    # when
    suppressed = _estimate(api, {"type": "all"})
    ignored = _estimate(api, {"type": "all", "excludeSuppressed": False})
    # then
    assert suppressed.json() == {"estimatedReach": 2}
    assert ignored.json() == {"estimatedReach": 4}


@pytest.mark.django_db
def test_another_accounts_suppression_list_does_not_apply(api, other_account, people):
    # given
    SuppressionEntryFactory(account=other_account, phone=people["us"].phone)
    # when / then
    assert _estimate(api, {"type": "all"}).json() == {"estimatedReach": 4}


@pytest.mark.django_db
def test_frequency_cap_skips_recently_messaged_contacts(api, account, people):
    # given
    earlier = CampaignFactory(account=account)
    now = timezone.now()
    Recipient.objects.create(
        account=account, campaign=earlier, contact=people["fr1"], sent_at=now - timedelta(hours=2)
    )
    Recipient.objects.create(
        account=account, campaign=earlier, contact=people["us"], sent_at=now - timedelta(hours=30)
    )
    Recipient.objects.create(account=account, campaign=earlier, contact=people["gb"])  # not sent
    # when
    capped = _estimate(api, {"type": "all", "frequencyCapHours": 24})
    wide = _estimate(api, {"type": "all", "frequencyCapHours": 48})
    # then
    assert capped.json() == {"estimatedReach": 3}
    assert wide.json() == {"estimatedReach": 2}


@pytest.mark.django_db
def test_bad_tree_is_422_with_the_custom_filters_path(api, people):
    # when
    response = _estimate(
        api, {"type": "custom", "customFilters": _rule("attributes.nope", "eq", "x")}
    )
    # then
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Rule 1: unknown field 'attributes.nope'."
    assert body["errors"] == [{"field": "customFilters.rules.0", "message": body["detail"]}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("audience", "field"),
    [
        ({"type": "everyone"}, "type"),
        ({"type": "segment", "segmentIds": []}, "segmentIds"),
        ({"type": "segment", "segmentIds": ["x"]}, "segmentIds.0"),
        ({"type": "all", "excludeSegmentIds": [999999]}, "excludeSegmentIds.0"),
        ({"type": "all", "frequencyCapHours": 0}, "frequencyCapHours"),
        ({"type": "all", "excludeUnsubscribed": "no"}, "excludeUnsubscribed"),
    ],
)
def test_bad_audience_is_422_with_the_field(api, people, audience, field):
    # when
    response = _estimate(api, audience)
    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.django_db
def test_another_accounts_segment_is_422_not_counted(api, other_account, people):
    # given
    theirs = SegmentFactory(account=other_account, filters={})
    # when
    response = _estimate(api, {"type": "segment", "segmentIds": [theirs.pk]})
    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "segmentIds.0"


@pytest.mark.django_db
def test_estimate_needs_credentials(client):
    assert _estimate(client, {"type": "all"}).status_code == 401


@pytest.mark.django_db
def test_campaign_audience_and_reach(account, people):
    # given
    french = SegmentFactory(account=account, filters=_rule("country", "eq", "FR"))
    vip = SegmentFactory(account=account, filters=_rule("tags", "has_any", ["vip"]))
    campaign = CampaignFactory(account=account, audience_type=Campaign.AudienceType.SEGMENT)
    campaign.segments.add(french)
    campaign.exclude_segments.add(vip)
    # when
    reach = campaign_refresh_reach(campaign=campaign)
    # then
    assert set(audience_queryset(campaign=campaign)) == {people["fr2"]}
    assert reach == 1
    campaign.refresh_from_db()
    assert campaign.estimated_reach == 1


@pytest.mark.django_db
def test_changing_a_segment_refreshes_the_reach_of_draft_campaigns(account, people):
    # given
    segment = SegmentFactory(account=account, filters=_rule("country", "eq", "FR"))
    campaign = CampaignFactory(account=account, audience_type=Campaign.AudienceType.SEGMENT)
    campaign.segments.add(segment)
    campaign_refresh_reach(campaign=campaign)
    # when
    segment_update(segment=segment, filters=_rule("country", "in", ["FR", "US", "GB"]))
    # then
    campaign.refresh_from_db()
    assert campaign.estimated_reach == 4
