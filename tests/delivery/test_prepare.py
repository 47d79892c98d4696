"""``recipients_materialise``: the audience becomes pending recipients, once, set-based."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.models import Campaign
from delivery import prepare
from delivery.models import Recipient
from delivery.prepare import recipients_materialise
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    SegmentFactory,
    SuppressionEntryFactory,
    TagFactory,
)


@pytest.fixture
def crowd(account, other_account):
    vip = TagFactory(account=account, name="vip")
    contacts = [ContactFactory(account=account, country="FR") for _ in range(12)]
    for contact in contacts[:4]:
        contact.tags.add(vip)
    ContactFactory(account=other_account, country="FR")
    return contacts


@pytest.mark.django_db
def test_inserts_one_pending_recipient_per_audience_contact(account, crowd):
    # given
    campaign = CampaignFactory(account=account)
    # when
    inserted = recipients_materialise(campaign=campaign)
    # then
    assert inserted == 12
    rows = Recipient.objects.filter(campaign=campaign)
    assert set(rows.values_list("contact_id", flat=True)) == {c.pk for c in crowd}
    assert set(rows.values_list("status", "account_id", "attempts")) == {("pending", account.pk, 0)}
    assert all(r.created_at is not None and r.variant_id is None for r in rows)


@pytest.mark.django_db
def test_is_idempotent_and_adds_only_new_contacts(account, crowd):
    # given
    campaign = CampaignFactory(account=account)
    recipients_materialise(campaign=campaign)
    # when
    again = recipients_materialise(campaign=campaign)
    newcomer = ContactFactory(account=account)
    later = recipients_materialise(campaign=campaign)
    # then
    assert again == 0
    assert later == 1
    assert Recipient.objects.filter(campaign=campaign).count() == 13
    assert Recipient.objects.filter(campaign=campaign, contact=newcomer).exists()


@pytest.mark.django_db
def test_applies_every_exclusion(account, crowd):
    # given
    vip = SegmentFactory(
        account=account,
        filters={"rules": [{"field": "tags", "operator": "has_any", "value": ["vip"]}]},
    )
    campaign = CampaignFactory(account=account, frequency_cap_hours=24)
    campaign.exclude_segments.add(vip)  # crowd[0:4]
    crowd[4].subscribed = False
    crowd[4].save(update_fields=["subscribed"])
    SuppressionEntryFactory(account=account, phone=crowd[5].phone)
    crowd[6].email = "Mixed.Case@Example.com"
    crowd[6].save(update_fields=["email"])
    SuppressionEntryFactory(account=account, phone=None, email="mixed.case@example.com")
    earlier = CampaignFactory(account=account)
    Recipient.objects.create(
        account=account,
        campaign=earlier,
        contact=crowd[7],
        sent_at=timezone.now() - timedelta(hours=1),
    )
    # when
    inserted = recipients_materialise(campaign=campaign)
    # then
    assert inserted == 4
    assert set(
        Recipient.objects.filter(campaign=campaign).values_list("contact_id", flat=True)
    ) == {c.pk for c in crowd[8:]}


@pytest.mark.django_db
def test_custom_filters_audience(account, crowd):
    # given
    campaign = CampaignFactory(
        account=account,
        audience_type=Campaign.AudienceType.CUSTOM,
        custom_filters={"rules": [{"field": "tags", "operator": "has_none", "value": ["vip"]}]},
    )
    # when / then
    assert recipients_materialise(campaign=campaign) == 8


@pytest.mark.django_db
def test_chunks_do_not_lose_or_repeat_contacts(account, crowd, monkeypatch):
    # given: the portable path with chunks smaller than the audience
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL runs one INSERT … SELECT; the chunked path is the other one")
    monkeypatch.setattr(prepare, "CHUNK_SIZE", 5)
    campaign = CampaignFactory(account=account)
    # when
    inserted = recipients_materialise(campaign=campaign)
    # then
    assert inserted == 12
    assert Recipient.objects.filter(campaign=campaign).count() == 12


@pytest.mark.django_db
def test_postgresql_uses_one_insert_select(account, crowd, django_assert_max_num_queries):
    # given
    if connection.vendor != "postgresql":
        pytest.skip("INSERT … SELECT is the PostgreSQL path; SQLite runs the chunked one")
    campaign = CampaignFactory(account=account)
    # when
    with django_assert_max_num_queries(6) as captured:
        inserted = recipients_materialise(campaign=campaign)
    # then
    assert inserted == 12
    inserts = [q["sql"] for q in captured.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == 1
    assert "ON CONFLICT" in inserts[0]
    assert "SELECT" in inserts[0]
