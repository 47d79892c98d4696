import pytest

from accounts.models import Role
from tests.factories import CampaignFactory, ContactFactory

ROLES = [Role.OWNER, Role.MANAGER, Role.MARKETER, Role.VIEWER]
WRITE_ROLES = [Role.OWNER, Role.MANAGER, Role.MARKETER]


@pytest.fixture
def as_role(client, account, make_member):
    """``as_role(role)`` → the test client signed in as a new member with that role."""

    def sign_in(role, *, in_account=None):
        member = make_member(in_account or account, role)
        client.force_login(member)
        client.user = member
        return client

    return sign_in


@pytest.fixture
def draft(account):
    ContactFactory(account=account)  # somebody to send to: an empty audience is not published
    return CampaignFactory(account=account, name="Spring sale", status="draft")


@pytest.fixture
def running(account):
    return CampaignFactory(account=account, name="Summer launch", status="running")


@pytest.fixture
def foreign_campaign(other_account):
    return CampaignFactory(account=other_account, name="Rival secret plan", status="draft")
