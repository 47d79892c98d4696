"""A campaign paused before its start, whose start passed during the pause: the page says so,
sends nothing on Resume, and offers the two decisions (send now, back to draft)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from tests.campaigns.world import audience, campaign_of, put_in_state, sent_to

pytestmark = pytest.mark.django_db


def test_resume_after_the_start_passed_explains_and_offers_send_now(
    as_role, account, settings, django_capture_on_commit_callbacks
):
    settings.CAMPAIGNS_TASKS_SYNC = True
    phones = audience(account)
    campaign = put_in_state(campaign_of(account, "broadcast"), "paused-scheduled")
    Campaign.objects.filter(pk=campaign.pk).update(start_date=timezone.now() - timedelta(hours=2))
    client = as_role("marketer")

    # when Resume is pressed
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("campaigns:action", args=[campaign.pk, "resume"]), follow=True
        ).content.decode()

    # then nothing went out, the page says why and offers "Send now" and "Back to draft"
    assert sent_to(account) == []
    assert "passed while it was paused, so it was not sent" in page
    assert 'data-action="send"' in page
    assert 'data-action="unschedule"' in page
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PAUSED

    # and "Send now" sends it to the audience
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("campaigns:action", args=[campaign.pk, "send"]), follow=True)
    assert sorted(sent_to(account)) == sorted(phones)


def test_a_campaign_paused_before_its_start_says_so_beside_its_badge(as_role, account):
    campaign = put_in_state(campaign_of(account, "broadcast"), "paused-scheduled")
    page = as_role("viewer").get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "before its start" in page
    running = put_in_state(campaign_of(account, "broadcast"), "paused-running")
    page = as_role("viewer").get(reverse("campaigns:detail", args=[running.pk])).content.decode()
    assert "before its start" not in page
