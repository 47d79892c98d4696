"""The wizard's message step refuses media and button links that the URL guard refuses, on
the field, and saves nothing then."""

import pytest

from campaigns.models import Campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_message_step(new_wizard, audience_data, outbound_production):
    new_wizard.start()
    new_wizard.post("basics", {"name": "Links", "type": "broadcast"})
    new_wizard.post("audience", {"audience_type": "all", "exclude_unsubscribed": "on"})
    return new_wizard


def test_a_media_link_to_a_private_address_is_refused(at_message_step, audience_data):
    response = at_message_step.post(
        "message",
        {
            "sender": audience_data["sender"].pk,
            "message_type": "media",
            "media_urls": "https://cdn.example.com/ok.png\nhttps://10.0.0.5/internal.png",
        },
    )
    form = response.context["form"]
    assert form.errors["media_urls"] == [
        "10.0.0.5 is a private address: only public internet addresses can be used."
    ]
    assert Campaign.objects.get(name="Links").media_urls == []


def test_a_url_button_to_loopback_or_plain_http_is_refused(at_message_step, audience_data):
    response = at_message_step.post(
        "message",
        {
            "sender": audience_data["sender"].pk,
            "message_type": "interactive",
            "message_content": "Hi",
            "button_0_type": "url",
            "button_0_text": "Admin",
            "button_0_value": "https://[::1]:8000/admin/",
            "button_1_type": "url",
            "button_1_text": "Shop",
            "button_1_value": "http://shop.example.com/",
        },
    )
    errors = response.context["form"].errors
    assert "loopback" in errors["button_0_value"][0]
    assert "https://" in errors["button_1_value"][0]
    assert Campaign.objects.get(name="Links").buttons == []
