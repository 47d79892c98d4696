"""A recipients export of five thousand and one recipients (two chunks) run by a real
``manage.py qcluster`` subprocess, through the broker the settings name (the cluster and
database fixtures are the import's: tests/audience/test_import_qcluster.py)."""

import csv
import io
import time

import pytest

from analytics.models import Export
from audience.models import Contact
from delivery.models import Recipient
from tests.audience.test_import_qcluster import cluster, shared_database  # noqa: F401
from tests.factories import AccountFactory, CampaignFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.slow

RECIPIENTS = 5_001


@pytest.mark.django_db(transaction=True)
def test_a_real_cluster_writes_a_two_chunk_export(shared_database, cluster, client):  # noqa: F811
    # given a campaign of two chunks of recipients
    account = AccountFactory(slug="qc-export")
    campaign = CampaignFactory(account=account, name="Big")
    Contact.objects.bulk_create(
        Contact(account=account, phone=f"+3361{n:07d}", first_name=f"C{n}", country="FR")
        for n in range(RECIPIENTS)
    )
    Recipient.objects.bulk_create(
        Recipient(account=account, campaign=campaign, contact_id=pk, status="delivered")
        for pk in Contact.objects.filter(account=account).values_list("pk", flat=True)
    )
    user = UserFactory()
    MembershipFactory(account=account, user=user)
    client.force_login(user)

    # when a member starts the export and the cluster picks the task up
    response = client.post(
        f"/dashboard/campaigns/{campaign.pk}/analytics/exports/start/",
        {"kind": "recipients_csv"},
    )
    assert response.status_code == 302
    export = Export.objects.get(campaign=campaign)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.status in (Export.Status.DONE, Export.Status.FAILED):
            break
        time.sleep(0.2)

    # then the file holds every recipient, in id order
    assert export.status == Export.Status.DONE, (export.status, export.error, cluster.read_text())
    assert (export.rows_done, export.rows_total) == (RECIPIENTS, RECIPIENTS)
    download = client.get(
        f"/dashboard/campaigns/{campaign.pk}/analytics/exports/{export.pk}/download/"
    )
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == RECIPIENTS
    ids = [int(r["recipient_id"]) for r in rows]
    assert ids == sorted(ids)
    assert {r["status"] for r in rows} == {"delivered"}
