import uuid

import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_buckets(settings):
    """Each test starts with empty Redis buckets (database ones roll back with the test)."""
    settings.RATE_LIMIT_REDIS_PREFIX = f"test-{uuid.uuid4().hex}:"
