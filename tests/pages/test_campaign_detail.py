"""The details page shows every part of the campaign, its stats with rates and its history."""

from django.urls import reverse
from django.utils import timezone

from campaigns.models import AutomationTrigger
from campaigns.services import transitions
from delivery.models import CampaignError
from tests.factories import (
    CampaignFactory,
    SegmentFactory,
    VariantFactory,
    WorkflowStepFactory,
)


def test_details_show_every_section(as_role, account, make_member):
    # given an A/B campaign with segments, variants, steps, errors, stats and history
    vip = SegmentFactory(account=account, name="VIP buyers")
    churned = SegmentFactory(account=account, name="Churned")
    campaign = CampaignFactory(
        account=account,
        name="Black Friday",
        type="ab-test",
        status="running",
        audience_type="segment",
        ab_enabled=True,
        total_recipients=1000,
        total_sent=800,
        total_delivered=600,
        total_opened=300,
        total_clicked=150,
        total_converted=30,
        total_failed=12,
        media_urls=["https://cdn.example.com/bf.png"],
        buttons=[{"text": "Shop now", "type": "url", "value": "https://shop.example.com"}],
        tracking_url="https://track.example.com/bf",
    )
    campaign.segments.set([vip])
    campaign.exclude_segments.set([churned])
    VariantFactory(campaign=campaign, key="A", name="Emoji", split_percentage=60, is_winner=True)
    VariantFactory(campaign=campaign, key="B", name="Plain", split_percentage=40)
    WorkflowStepFactory(campaign=campaign, step_id="follow-up", delay_hours=48)
    AutomationTrigger.objects.create(campaign=campaign, type="tag_added", condition={"tag": "vip"})
    CampaignError.objects.create(
        campaign=campaign,
        error_type="rate_limited",
        message="Too many",
        count=7,
        timestamp=timezone.now(),
    )
    actor = make_member(account, "manager")
    transitions.record(campaign=campaign, actor=actor, action="pause", previous="running")

    # when a viewer opens the details
    response = as_role("viewer").get(reverse("campaigns:detail", args=[campaign.pk]))

    # then every section is there, with the rates
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Black Friday",
        "badge-running",
        "A/B test",
        "VIP buyers",
        "Churned",  # audience and exclusions
        "Shop now",
        "https://cdn.example.com/bf.png",  # message
        "Emoji",
        "60%",
        "Winner",
        "Plain",  # variants
        "follow-up",
        "after 48 h",
        "Tag added",  # automation
        "rate_limited",
        "Too many",  # error log
        "Pause",
        actor.username,  # history
        "https://track.example.com/bf",
        "75.0%",  # delivered 600 / sent 800
        "50.0% open rate",
    ):
        assert text in body, text
    # conversions, revenue, cost and ROI are measured (analytics.money); clicks come with
    # click tracking
    for text in ("Converted", "Revenue", "Cost", "ROI"):
        assert text in body, text
    assert "click rate" not in body
    assert 'aria-valuenow="80"' in body  # sent 800 of 1000 recipients
    # Sender credentials never reach a page.
    assert "EAAG-secret-access-token" not in body
    assert "app-secret-value" not in body


def test_details_of_a_fresh_draft_have_no_empty_rate_errors(as_role, draft):
    body = as_role("marketer").get(reverse("campaigns:detail", args=[draft.pk])).content.decode()
    assert "0.0% of sent" in body
    assert "No errors." in body
    assert "Nothing has happened yet." in body
