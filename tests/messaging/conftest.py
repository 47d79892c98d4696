import uuid

import pytest
from django.utils import timezone

from delivery.models import Recipient
from messaging.models import Sender
from tests.factories import CampaignFactory, ContactFactory, SenderFactory
from tests.messaging.provider_server import ProviderServer


@pytest.fixture
def provider():
    with ProviderServer(seed=7) as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_rate_buckets(settings):
    """Each test starts with empty Redis buckets (database ones roll back with the test)."""
    settings.RATE_LIMIT_REDIS_PREFIX = f"test-{uuid.uuid4().hex}:"


@pytest.fixture
def whatsapp_sender(account, provider):
    return SenderFactory(
        account=account,
        channel=Sender.Channel.WHATSAPP,
        phone_number_id="106540352242922",
        api_base_url=provider.url,
        access_token="EAAG-token",
        app_secret="app-secret-1",
        verify_token="verify-1",
        rate_limit_per_second=0,
    )


def make_recipients(campaign, n: int, *, status=Recipient.Status.SENT, prefix="wamid.test"):
    """``n`` recipients of ``campaign`` with provider ids ``<prefix>.<i>``."""
    contacts = [
        ContactFactory(account=campaign.account, phone=f"+1650555{i:04d}") for i in range(n)
    ]
    return [
        Recipient.objects.create(
            account=campaign.account,
            campaign=campaign,
            contact=c,
            status=status,
            provider_message_id=f"{prefix}.{i}" if status != Recipient.Status.UNCERTAIN else "",
            sent_at=timezone.now() if status == Recipient.Status.SENT else None,
        )
        for i, c in enumerate(contacts)
    ]


@pytest.fixture
def whatsapp_campaign(account, whatsapp_sender):
    return CampaignFactory(account=account, sender=whatsapp_sender, status="running")
