"""The message step sets link tracking and UTM parameters; the review and the details page say
whether links will be tracked, and why not when the install has no public address."""

import pytest

from campaigns.models import Campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_message_step(new_wizard, audience_data):
    new_wizard.start()
    new_wizard.post("basics", {"name": "Links", "type": "broadcast"})
    new_wizard.post("audience", {"audience_type": "all", "exclude_unsubscribed": "on"})
    return new_wizard


def _message(driver, audience_data, **fields):
    return driver.post(
        "message",
        {
            "sender": audience_data["sender"].pk,
            "message_type": "text",
            "message_content": "Sale: https://shop.example.com/sale",
            **fields,
        },
    )


def _to_review(driver):
    driver.post("personalization", {})
    return driver.post("scheduling", {"when": "now", "timezone": "UTC", "frequency": "once"})


def test_tracking_and_utm_are_saved_and_the_review_says_links_will_be_tracked(
    at_message_step, audience_data, settings
):
    settings.PUBLIC_BASE_URL = "https://go.example.com"
    response = _message(
        at_message_step,
        audience_data,
        track_links="on",
        utm_source=" whatsapp ",
        utm_campaign="spring",
    )
    assert b"Step 4 of 6" in response.content
    campaign = Campaign.objects.get(name="Links")
    assert (campaign.track_links, campaign.utm_source, campaign.utm_medium) == (
        True,
        "whatsapp",
        "",
    )
    assert campaign.utm_campaign == "spring"

    review = _to_review(at_message_step).content.decode()

    assert 'data-link-tracking="on"' in review
    assert "https://go.example.com/r/" in review
    assert "utm_source=whatsapp · utm_campaign=spring" in review


def test_unticked_tracking_is_saved_off_and_the_review_says_so(at_message_step, audience_data):
    _message(at_message_step, audience_data)
    assert Campaign.objects.get(name="Links").track_links is False
    review = _to_review(at_message_step).content.decode()
    assert 'data-link-tracking="off"' in review
    assert "tracking is off" in review


def test_without_a_public_address_the_pages_say_links_go_out_as_written(
    at_message_step, audience_data, settings, wclient
):
    settings.PUBLIC_BASE_URL = ""
    shown = at_message_step.goto("audience", "message").content.decode()
    assert "data-tracking-unavailable" in shown
    assert 'name="message-track_links"' in shown
    _message(at_message_step, audience_data, track_links="on")
    review = _to_review(at_message_step).content.decode()
    assert 'data-link-tracking="off"' in review
    assert "PUBLIC_BASE_URL" in review

    campaign = Campaign.objects.get(name="Links")
    detail = wclient.get(f"/dashboard/campaigns/{campaign.pk}/").content.decode()
    assert 'data-link-tracking="off"' in detail
    assert "PUBLIC_BASE_URL" in detail
