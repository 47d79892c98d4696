import pytest
from django.test import Client

from accounts.models import Role
from accounts.services import api_key_create
from tests.api.documents import SECRETS
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    MessageTemplateFactory,
    SegmentFactory,
    SenderFactory,
)


@pytest.fixture
def sender(account):
    return SenderFactory(account=account, phone_number_id="106540352240001", **SECRETS)


@pytest.fixture
def template(account):
    return MessageTemplateFactory(account=account, name="spring_sale")


@pytest.fixture
def segments(account):
    return [SegmentFactory(account=account, name="VIP"), SegmentFactory(account=account)]


@pytest.fixture
def campaign(account, sender):
    ContactFactory(account=account)  # somebody to send to: an empty audience is not published
    return CampaignFactory(account=account, sender=sender, name="Spring sale")


@pytest.fixture
def other_campaign(other_account):
    return CampaignFactory(account=other_account, name="Rival sale")


@pytest.fixture
def other_api(other_api_key):
    """A client holding the other account's key."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {other_api_key}")


@pytest.fixture
def viewer_client(viewer):
    """A browser session of a viewer (CSRF checks are off in Django's test client)."""
    client = Client()
    client.force_login(viewer)
    return client


@pytest.fixture
def marketer_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def make_key_client(account):
    """``make_key_client(role)`` → a client with an API key of that role in ``account``."""

    def make(role=Role.MANAGER):
        _, raw = api_key_create(account=account, name=f"{role} key", role=role)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Users are made in most tests here; PBKDF2's deliberate slowness buys nothing in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
