"""What the wizard says is true: no false error banner, no stray separator, the right words
for a campaign that is not a draft, local times of the typed schedule."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from tests.factories import CampaignFactory, SegmentFactory

pytestmark = pytest.mark.django_db

BANNER = b"Please correct the fields marked below."


def _to_review(wizard, audience_data, **audience):
    wizard.start()
    wizard.post("basics", {"name": "Round trip", "type": "broadcast"})
    wizard.post("audience", {"audience_type": "all", **audience})
    wizard.post(
        "message",
        {"sender": audience_data["sender"].pk, "message_type": "text", "message_content": "Hi"},
    )
    wizard.post("personalization", {})
    return wizard.post("scheduling", {"when": "now", "timezone": "UTC", "frequency": "once"})


def _exclusions(content: bytes) -> str:
    return re.search(r"<dd data-exclusions>(.*?)</dd>", content.decode()).group(1)


def _text(content: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", content.decode()).split())


def test_back_from_review_and_forward_again_shows_no_error_banner(new_wizard, audience_data):
    review = _to_review(new_wizard, audience_data)
    assert b"Step 6 of 6" in review.content
    assert BANNER not in review.content
    # when the marketer goes back from the review (the Back button posts the review step)
    back = new_wizard.goto("review", "scheduling")
    assert b"Step 5 of 6" in back.content
    # and forward again
    again = new_wizard.post("scheduling", {"when": "now", "timezone": "UTC", "frequency": "once"})
    # then the review has nothing to correct
    assert b"Step 6 of 6" in again.content
    assert BANNER not in again.content
    assert b"Everything checks out" in again.content
    # and jumping there through the step bar too
    new_wizard.goto("review", "basics")
    jumped = new_wizard.goto("basics", "review", {"name": "Round trip", "type": "broadcast"})
    assert b"Step 6 of 6" in jumped.content
    assert BANNER not in jumped.content


def test_the_exclusions_line_has_no_stray_separator(new_wizard, audience_data, account):
    churned = SegmentFactory(account=account, name="Churned")
    review = _to_review(
        new_wizard,
        audience_data,
        exclude_unsubscribed="on",
        exclude_suppressed="on",
        exclude_segments=[churned.pk],
    )
    assert _exclusions(review.content) == (
        "unsubscribed contacts · the suppression list · “Churned”"
    )


def test_an_audience_that_excludes_nobody_says_so(new_wizard, audience_data):
    review = _to_review(new_wizard, audience_data)
    assert _exclusions(review.content) == "none"


def test_the_review_reads_custom_filters_as_a_sentence(new_wizard, audience_data):
    _to_review(new_wizard, audience_data)
    new_wizard.goto("review", "audience")
    tree = (
        '{"op": "and", "rules": [{"field": "attributes.city", "operator": "eq", "value": "Paris"}]}'
    )
    review = new_wizard.goto(
        "audience", "review", {"audience_type": "custom", "custom_filters": tree}
    )
    assert b"Step 6 of 6" in review.content
    assert Campaign.objects.get(name="Round trip").audience_type == "custom"
    assert "AudienceCustom filters: City is Paris — about 3 contacts" in _text(review.content)


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("scheduled", "This campaign is scheduled: move it back to draft to edit it."),
        ("running", "This campaign is sending. Only drafts can be edited."),
        ("paused", "This campaign is paused. Only drafts can be edited."),
        ("completed", "This campaign has finished; duplicate it to send it again."),
        ("failed", "This campaign has finished; duplicate it to send it again."),
    ],
)
def test_the_edit_page_of_a_campaign_that_is_not_a_draft_says_why(wclient, account, status, words):
    campaign = CampaignFactory(account=account, status=status, start_date=timezone.now())
    response = wclient.get(reverse("campaigns:edit", args=[campaign.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("campaigns:detail", args=[campaign.pk])
    body = response.content.decode()
    assert words in body
    assert "this campaign has started" not in body


def test_the_zone_table_follows_the_typed_schedule(wclient, new_wizard, audience_data):
    _to_review(new_wizard, audience_data)
    draft = Campaign.objects.get(name="Round trip")
    start = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    typed = start.strftime("%Y-%m-%dT09:30")
    url = reverse("campaigns:wizard_zones", args=[draft.pk])
    response = wclient.post(
        url,
        {
            "scheduling-when": "later",
            "scheduling-start_date": typed,
            "scheduling-timezone": "Europe/Paris",
            "scheduling-frequency": "once",
        },
    )
    assert response.status_code == 200
    rows = response.context["zones"]
    by_zone = {row["zone"]: row for row in rows}
    # 09:30 in Paris is 09:30 for the Paris contacts and 03:30 or so in New York
    paris = by_zone["Europe/Paris"]["local"]
    assert (paris.day, paris.hour, paris.minute) == (start.day, 9, 30)
    assert by_zone["Europe/Paris"]["contacts"] == 3
    new_york = by_zone["America/New_York"]["local"]
    assert new_york.hour in (3, 4)
    # with local-time delivery, each zone gets 09:30 of its own
    response = wclient.post(
        url,
        {
            "scheduling-when": "later",
            "scheduling-start_date": typed,
            "scheduling-timezone": "Europe/Paris",
            "scheduling-frequency": "once",
            "scheduling-local_time_delivery": "on",
        },
    )
    new_york = {row["zone"]: row for row in response.context["zones"]}["America/New_York"]
    assert (new_york["local"].hour, new_york["local"].minute) == (9, 30)
    # a schedule that cannot be read says what to fix instead of showing other times
    response = wclient.post(
        url,
        {"scheduling-when": "later", "scheduling-timezone": "UTC", "scheduling-frequency": "once"},
    )
    assert response.context["zones"] == []
    assert "Pick the date and time to send." in response.content.decode()


def test_the_zone_table_of_another_account_is_404(wclient, other_account):
    theirs = CampaignFactory(account=other_account)
    response = wclient.post(reverse("campaigns:wizard_zones", args=[theirs.pk]), {})
    assert response.status_code == 404
