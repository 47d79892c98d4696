"""The admin shows what WhatsApp said of a sender read-only, and reads it on demand."""

import pytest
from django.urls import reverse

from messaging.models import Sender
from tests.factories import SenderFactory
from tests.messaging.provider_server import ProviderServer, whatsapp_error


@pytest.fixture
def provider():
    with ProviderServer() as server:
        yield server


def test_the_read_fields_are_shown_read_only(admin_client, account):
    sender = SenderFactory(
        account=account, channel="whatsapp", limit_tier_read="TIER_1K", quality_rating="GREEN"
    )
    response = admin_client.get(reverse("admin:messaging_sender_change", args=[sender.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    for name in ("limit_tier_read", "quality_rating", "limits_checked_at", "limits_error"):
        assert name not in form.fields
    assert "messaging_limit" in form.fields
    html = response.content.decode()
    assert "TIER_1K" in html
    assert "Read from WhatsApp" in html


def test_the_action_reads_whatsapp_senders_and_skips_others(admin_client, account, provider):
    good = SenderFactory(
        account=account, channel="whatsapp", api_base_url=provider.url, access_token="t"
    )
    bad = SenderFactory(
        account=account, channel="whatsapp", api_base_url=provider.url, access_token="t"
    )
    sandbox = SenderFactory(account=account, channel="sandbox")
    provider.phone_number["messaging_limit_tier"] = "TIER_10K"
    provider.queue_response(200, {"id": "1", "messaging_limit_tier": "TIER_10K"})
    provider.queue_response(401, whatsapp_error(190))
    response = admin_client.post(
        reverse("admin:messaging_sender_changelist"),
        {"action": "read_limits", "_selected_action": [good.pk, bad.pk, sandbox.pk]},
        follow=True,
    )
    assert response.status_code == 200
    good.refresh_from_db()
    bad.refresh_from_db()
    sandbox.refresh_from_db()
    assert good.limit_tier_read == "TIER_10K"
    assert "Invalid OAuth access token" in bad.limits_error
    assert sandbox.limits_checked_at is None
    texts = [str(m) for m in response.context["messages"]]
    assert any("10,000 unique users / 24 h" in t for t in texts)
    assert any("Invalid OAuth access token" in t for t in texts)
    assert any("1 sender(s) skipped" in t for t in texts)
    assert Sender.objects.count() == 3
