"""The recipients' status counts the database keeps: equal to counting the rows after any
mix of inserts, set-based updates and deletes, on SQLite and PostgreSQL alike."""

import random

import pytest
from django.db.models import Count

from delivery.models import Recipient, RecipientStatusCount
from delivery.selectors import status_counts
from tests.factories import CampaignFactory, ContactFactory

pytestmark = pytest.mark.django_db

S = Recipient.Status


def _counted(campaign):
    return {k: v for k, v in status_counts(campaign).items() if v}


def _rows(campaign):
    return dict(
        Recipient.objects.filter(campaign=campaign)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )


def test_counts_follow_every_kind_of_write(account):
    # given two campaigns' recipients, made in bulk
    a, b = CampaignFactory(account=account), CampaignFactory(account=account)
    contacts = [ContactFactory(account=account, phone=f"+1650555{i:04d}") for i in range(60)]
    Recipient.objects.bulk_create(
        [Recipient(account=account, campaign=c, contact=x) for c in (a, b) for x in contacts]
    )
    assert _counted(a) == {S.PENDING: 60}

    # when they move in set-based updates, one by one, and some are deleted
    rng = random.Random(7)
    for _ in range(25):
        ids = rng.sample(
            list(Recipient.objects.filter(campaign=a).values_list("pk", flat=True)), 10
        )
        Recipient.objects.filter(pk__in=ids).update(status=rng.choice(S.values))
    one = Recipient.objects.filter(campaign=b).first()
    one.status = S.READ
    one.save()
    Recipient.objects.filter(campaign=a, status=S.PENDING).update(lease_until=None)  # no move
    Recipient.objects.filter(campaign=a, pk__in=ids).delete()

    # then the kept counts are the rows' counts
    assert _counted(a) == _rows(a)
    assert _counted(b) == _rows(b) == {S.PENDING: 59, S.READ: 1}


def test_deleting_a_campaign_deletes_its_counts(account):
    # given
    campaign = CampaignFactory(account=account)
    Recipient.objects.create(
        account=account, campaign=campaign, contact=ContactFactory(account=account)
    )

    # when
    campaign.delete()

    # then
    assert not RecipientStatusCount.objects.exists()
