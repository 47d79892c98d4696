import pytest

from accounts.models import Role
from tests.factories import (
    AttributeDefinitionFactory,
    ContactFactory,
    MessageTemplateFactory,
    SegmentFactory,
    SenderFactory,
)


@pytest.fixture
def marketer(account, make_member):
    return make_member(account, Role.MARKETER)


@pytest.fixture
def wclient(client, marketer):
    client.force_login(marketer)
    return client


@pytest.fixture
def audience_data(account):
    """A small audience in two time zones, a segment, a sender and an approved template."""
    AttributeDefinitionFactory(account=account, key="city", label="City")
    paris = [
        ContactFactory(
            account=account,
            first_name=name,
            country="FR",
            timezone="Europe/Paris",
            attributes={"city": "Paris"},
        )
        for name in ("Ada", "Blaise", "")
    ]
    ny = ContactFactory(
        account=account,
        phone="+12125550100",
        first_name="Grace",
        country="US",
        timezone="America/New_York",
        attributes={"city": "New York"},
    )
    segment = SegmentFactory(
        account=account,
        name="Paris",
        filters={
            "op": "and",
            "rules": [{"field": "attributes.city", "operator": "eq", "value": "Paris"}],
        },
    )
    sender = SenderFactory(account=account, name="Main line")
    template = MessageTemplateFactory(account=account, name="spring_sale", body="Hi {{1}}, sale!")
    return {"paris": paris, "ny": ny, "segment": segment, "sender": sender, "template": template}


class WizardDriver:
    """Posts wizard steps the way the browser form does (prefixes, management form)."""

    def __init__(self, client, url: str, prefix: str):
        self.client = client
        self.url = url
        self.prefix = prefix

    def start(self):
        return self.client.get(self.url)

    def post(self, step: str, fields: dict, **extra):
        data = {f"{self.prefix}-current_step": step}
        for key, value in fields.items():
            data[f"{step}-{key}"] = value
        data.update(extra)
        return self.client.post(self.url, data)

    def goto(self, current: str, target: str, fields: dict | None = None):
        return self.post(current, fields or {}, wizard_goto_step=target)


@pytest.fixture
def new_wizard(wclient):
    return WizardDriver(wclient, "/dashboard/campaigns/create/", "campaign_wizard_new")
