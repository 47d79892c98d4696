"""A small, hand-made set of contacts that every filter operator can be checked against.

Four contacts of the account (ada, bob, cy, dee) with typed attributes, tags, engagement
events and fixed creation times, plus a rival account's contact that matches almost any rule,
so a leak across accounts shows up in every test that uses it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from analytics.models import Event
from audience.models import AttributeDefinition, Contact
from audience.selectors import contacts_matching
from tests.audience.oracle import contact_rows, filters_evaluate
from tests.factories import (
    AttributeDefinitionFactory,
    CampaignFactory,
    ContactFactory,
    SegmentFactory,
    TagFactory,
)

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
T = AttributeDefinition.Type


@dataclass
class World:
    account: object
    other_account: object
    names: dict  # contact id -> name
    campaign: object
    other_campaign: object
    fr_segment: object

    def select(self, tree) -> set[str]:
        """Names the compiled query selects (checked against the reference evaluation)."""
        compiled = {
            self.names[pk]
            for pk in contacts_matching(account=self.account, filters=tree, now=NOW).values_list(
                "pk", flat=True
            )
        }
        reference = {
            self.names[pk]
            for pk in filters_evaluate(
                tree, contact_rows(self.account), account=self.account, now=NOW
            )
        }
        assert compiled == reference, f"SQL {compiled} != Python {reference}"
        return compiled


def _contact(account, name, *, created, tags=(), **fields):
    contact = ContactFactory(account=account, **fields)
    Contact.objects.filter(pk=contact.pk).update(created_at=created)
    for tag in tags:
        contact.tags.add(TagFactory(account=account, name=tag))
    return contact


def build_world(account, other_account) -> World:
    account.timezone = "Europe/Paris"
    account.save(update_fields=["timezone"])
    for key, kind in (
        ("city", T.TEXT),
        ("age", T.NUMBER),
        ("vip", T.BOOLEAN),
        ("birthday", T.DATE),
        ("last_order", T.DATE),
    ):
        AttributeDefinitionFactory(account=account, key=key, type=kind)
        AttributeDefinitionFactory(account=other_account, key=key, type=kind)

    ada = _contact(
        account,
        "ada",
        created=datetime(2025, 6, 14, 10, 0, tzinfo=UTC),
        tags=("vip", "news"),
        phone="+33611111111",
        email="ada@example.com",
        first_name="Ada",
        last_name="Lovelace",
        country="FR",
        timezone="Europe/Paris",
        subscribed=True,
        attributes={
            "city": "Paris",
            "age": 36,
            "vip": True,
            "birthday": "1990-12-10",
            "last_order": "2025-06-10",
        },
    )
    bob = _contact(
        account,
        "bob",
        # 00:30 on 1 January in Paris: still 31 December in UTC.
        created=datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
        tags=("news",),
        phone=None,
        email="",
        first_name="Bob",
        last_name="Builder",
        country="GB",
        timezone="Europe/London",
        subscribed=False,
        attributes={
            "city": "London",
            "age": 52.5,
            "vip": False,
            "birthday": "1972-01-05",
            "last_order": "2024-01-01",
        },
    )
    cy = _contact(
        account,
        "cy",
        created=datetime(2024, 6, 1, 9, 0, tzinfo=UTC),
        phone="+14155550100",
        email="cy@Example.org",
        first_name="Cy",
        last_name="",
        country="US",
        timezone="America/New_York",
        subscribed=True,
        attributes={},
    )
    dee = _contact(
        account,
        "dee",
        created=datetime(2025, 6, 15, 8, 0, tzinfo=UTC),
        tags=("vip",),
        phone="+33622222222",
        email="dee@example.com",
        first_name="Dee",
        last_name="Dupont",
        country="FR",
        timezone="Europe/Paris",
        subscribed=True,
        # Mistyped or blank values: they must count as absent (or blank), never crash a query.
        attributes={"city": "", "age": "n/a", "vip": None, "birthday": "soon"},
    )
    # A rival's contact that looks like everyone: it must never be selected.
    rival = _contact(
        other_account,
        "rival",
        created=datetime(2025, 6, 15, 9, 0, tzinfo=UTC),
        tags=("vip", "news"),
        phone="+33699999999",
        email="rival@example.com",
        first_name="Ada",
        country="FR",
        attributes={"city": "Paris", "age": 36, "vip": True, "birthday": "1990-12-10"},
    )

    campaign = CampaignFactory(account=account, name="Spring")
    other_campaign = CampaignFactory(account=account, name="Summer")
    rival_campaign = CampaignFactory(account=other_account, name="Rival spring")
    events = [
        (account, campaign, ada, "sent", NOW - timedelta(days=2)),
        (account, campaign, bob, "clicked", NOW - timedelta(days=40)),
        (account, other_campaign, dee, "converted", NOW - timedelta(days=1)),
        (other_account, rival_campaign, rival, "converted", NOW - timedelta(days=1)),
    ]
    Event.objects.bulk_create(
        Event(account=a, campaign=c, contact=p, type=t, occurred_at=at) for a, c, p, t, at in events
    )
    fr_segment = SegmentFactory(
        account=account,
        name="France",
        filters={"op": "and", "rules": [{"field": "country", "operator": "eq", "value": "FR"}]},
    )
    names = {ada.pk: "ada", bob.pk: "bob", cy.pk: "cy", dee.pk: "dee", rival.pk: "rival"}
    return World(account, other_account, names, campaign, other_campaign, fr_segment)


def rule(field, operator, value=None) -> dict:
    tree_rule = {"field": field, "operator": operator}
    if value is not None:
        tree_rule["value"] = value
    return {"op": "and", "rules": [tree_rule]}
