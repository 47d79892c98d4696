"""History says what an edit changed: which fields, old → new for simple ones."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from campaigns.models import CampaignActivity
from campaigns.services import crud
from tests.factories import AttributeDefinitionFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_an_update_records_and_shows_what_changed(logged_in_client, account, user):
    # given a draft, edited three times as the wizard and the API do
    AttributeDefinitionFactory(account=account, key="city", label="City")
    vip = SegmentFactory(account=account, name="VIP")
    campaign = crud.campaign_create(
        account=account, actor=user, data={"name": "Spring", "timezone": "Europe/Paris"}
    )
    crud.campaign_update(
        campaign=campaign, actor=user, data={"name": "Summer", "send_now": False}, partial=True
    )
    crud.campaign_update(
        campaign=campaign,
        actor=user,
        data={"audience_type": "segment", "segment_ids": [vip.pk]},
        partial=True,
    )
    crud.campaign_update(
        campaign=campaign,
        actor=user,
        data={
            "start_date": dt.datetime(2030, 6, 1, 9, 30, tzinfo=dt.UTC),
            "custom_filters": {
                "op": "and",
                "rules": [{"field": "attributes.city", "operator": "eq", "value": "Paris"}],
            },
            "personalization": {"variables": {}, "blocks": []},
        },
        partial=True,
    )

    # then each update's activity holds its changes, old → new
    updates = list(CampaignActivity.objects.filter(campaign=campaign, action="update"))
    assert len(updates) == 3
    assert updates[-1].detail["changes"] == [
        {"field": "name", "label": "Name", "old": "Spring", "new": "Summer"},
        {"field": "send_now", "label": "Send when published", "old": "yes", "new": "no"},
    ]

    # and the details page shows them, not only "Update"
    html = logged_in_client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    history = _text(html[html.index('id="history-title"') :])
    assert "Name: Spring → Summer" in history
    assert "Send when published: yes → no" in history
    assert "Audience: All contacts → Segments" in history
    assert "Segments: none → “VIP”" in history
    assert "Start: none → 1 Jun 2030, 11:30 (Europe/Paris)" in history
    assert "Custom filters: none → City is Paris" in history
    assert "Personalization changed" in history


def test_an_edit_that_changes_nothing_records_nothing(account, user):
    campaign = crud.campaign_create(account=account, actor=user, data={"name": "Same"})
    crud.campaign_update(campaign=campaign, actor=user, data={"name": "Same"}, partial=True)
    assert not CampaignActivity.objects.filter(campaign=campaign, action="update").exists()


def test_older_updates_without_changes_still_name_their_fields(logged_in_client, account, user):
    campaign = crud.campaign_create(account=account, actor=user, data={"name": "Legacy"})
    CampaignActivity.objects.create(
        campaign=campaign, actor=user, action="update", detail={"fields": ["segment_ids", "name"]}
    )
    html = logged_in_client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "Changed: Segments, Name" in _text(html)
