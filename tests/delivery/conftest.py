"""Fixtures of the delivery tests: fast retries and a WhatsApp sender on the stand-in."""

import pytest

from messaging.models import Sender
from tests.factories import SenderFactory


@pytest.fixture
def fast_retries(settings):
    settings.CAMPAIGNS_RETRY_BASE_SECONDS = 0.01
    settings.CAMPAIGNS_RETRY_CAP_SECONDS = 0.05
    settings.CAMPAIGNS_RETRY_INLINE_SECONDS = 1
    settings.CAMPAIGNS_MAX_ATTEMPTS = 3
    settings.PROVIDER_READ_TIMEOUT = 1
    return settings


@pytest.fixture
def wa_sender(account, provider):
    return SenderFactory(
        account=account,
        name="Shop number",
        channel=Sender.Channel.WHATSAPP,
        messaging_limit="TIER_UNLIMITED",  # the 24 h limit is test_pacing.py's
        api_base_url=provider.url,
        rate_limit_per_second=0,
    )
