from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def _future_local(days=3):
    return (timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT10:00")


def test_broadcast_through_all_six_steps_schedules_it(account, new_wizard, audience_data):
    # given the wizard opened fresh
    assert new_wizard.start().status_code == 200
    # when each step is filled in
    r = new_wizard.post(
        "basics", {"name": "Spring sale", "description": "March", "type": "broadcast"}
    )
    assert r.status_code == 200
    assert b"Step 2 of 6" in r.content
    draft = Campaign.objects.get(account=account, name="Spring sale")
    assert draft.status == Campaign.Status.DRAFT
    r = new_wizard.post(
        "audience",
        {
            "audience_type": "segment",
            "segments": [audience_data["segment"].pk],
            "exclude_unsubscribed": "on",
            "exclude_suppressed": "on",
        },
    )
    assert b"Step 3 of 6" in r.content
    r = new_wizard.post(
        "message",
        {
            "sender": audience_data["sender"].pk,
            "message_type": "text",
            "message_content": "Hi {{first_name}}, the sale is on in {{attributes.city}}!",
            "button_0_type": "url",
            "button_0_text": "Shop",
            "button_0_value": "https://shop.example.com",
        },
    )
    assert b"Step 4 of 6" in r.content
    r = new_wizard.post(
        "personalization",
        {
            "source__first_name": "field:first_name",
            "fallback__first_name": "friend",
            "source__attributes.city": "attribute:city",
        },
    )
    assert b"Step 5 of 6" in r.content
    r = new_wizard.post(
        "scheduling",
        {
            "when": "later",
            "start_date": _future_local(),
            "timezone": "Europe/Paris",
            "frequency": "once",
        },
    )
    assert b"Step 6 of 6" in r.content
    assert b"Everything checks out" in r.content
    # the review shows the rendered message for a real contact, with the fallback applied
    assert b"Hi Ada, the sale is on in Paris!" in r.content
    r = new_wizard.post("review", {"action": "send"})
    # then the campaign is scheduled, with everything that was entered
    assert r.status_code == 302
    campaign = Campaign.objects.get(pk=draft.pk)
    assert campaign.status == Campaign.Status.SCHEDULED
    assert list(campaign.segments.all()) == [audience_data["segment"]]
    assert campaign.buttons == [
        {"type": "url", "text": "Shop", "value": "https://shop.example.com"}
    ]
    assert campaign.personalization["variables"]["first_name"]["fallback"] == "friend"
    assert campaign.estimated_reach == 3
    assert campaign.start_date.astimezone(timezone.get_fixed_timezone(0)).hour in (8, 9)


def test_back_keeps_unsaved_input_of_the_current_step(account, new_wizard, audience_data):
    new_wizard.start()
    new_wizard.post("basics", {"name": "Keep me", "type": "broadcast"})
    new_wizard.post("audience", {"audience_type": "all", "exclude_unsubscribed": "on"})
    # typed a message, then went back without saving
    new_wizard.goto(
        "message", "audience", {"message_type": "text", "message_content": "Draft text"}
    )
    r = new_wizard.post("audience", {"audience_type": "all"})
    assert b"Draft text" in r.content
    assert Campaign.objects.get(name="Keep me").message_content == ""
