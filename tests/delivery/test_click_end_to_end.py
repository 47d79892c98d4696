"""From send to counted click: a real ``manage.py qcluster`` sends a campaign through the
sandbox with tracked links, recipients follow their links through the redirect, the drain
counts them. (The cluster shares the test database as in ``test_crash``.)"""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Account
from analytics.rollups import Dim, Kind, rollup_by, rollup_totals
from audience.models import Contact
from campaigns.models import Campaign
from delivery import control, redirect, schedules
from delivery.clicks import clicks_drain
from delivery.models import Recipient, TrackedLink
from messaging.models import SandboxMessage, Sender
from tests.delivery.click_helpers import UA
from tests.delivery.test_crash import Cluster, ClusterDatabase, _env, _purge_broker, _wait

pytestmark = pytest.mark.slow
BASE = "https://go.example.com"
AUDIENCE = 40
TRACKED = re.compile(re.escape(BASE) + r"/r/([A-Za-z0-9_-]+)")


def _seed() -> Campaign:
    account = Account.objects.create(name="Clicks", slug="clicks", timezone="UTC")
    Contact.objects.bulk_create(
        [
            Contact(account=account, phone=f"+3361{i:07d}", first_name=f"C{i}", country="FR")
            for i in range(AUDIENCE)
        ]
    )
    sender = Sender.objects.create(
        account=account, name="Sandbox", channel=Sender.Channel.SANDBOX, rate_limit_per_second=0
    )
    return Campaign.objects.create(
        account=account,
        sender=sender,
        name="Tracked sale",
        message_content="Hi {{first_name}}: https://shop.example.com/sale and https://shop.example.com/faq",
        utm_source="sandbox",
        timezone="UTC",
    )


@pytest.mark.django_db(transaction=True)
def test_a_cluster_sends_tracked_links_and_their_clicks_are_counted(tmp_path, client, settings):
    db = ClusterDatabase(tmp_path)
    _purge_broker()
    settings.PUBLIC_BASE_URL = BASE  # the control's checks read it in this process
    campaign = _seed()
    schedules.schedules_ensure()
    control.campaign_publish(campaign=campaign)
    db.hand_over()
    cluster = Cluster(_env(db, {"PUBLIC_BASE_URL": BASE}), tmp_path / "qcluster.log")
    try:
        _wait(
            lambda: db.campaign_state(campaign.pk)[0] == Campaign.Status.COMPLETED,
            timeout=120,
            what="the campaign to complete",
        )
    finally:
        cluster.stop()
    db.take_back()

    # every message carries two links of its own, and two links exist in all
    messages = list(SandboxMessage.objects.filter(sender=campaign.sender))
    assert len(messages) == AUDIENCE
    tokens = [TRACKED.findall(str(m.body)) for m in messages]
    assert all(len(found) == 2 for found in tokens)
    assert "shop.example.com" not in "".join(str(m.body) for m in messages)
    assert len({t for found in tokens for t in found}) == 2 * AUDIENCE
    links = dict(TrackedLink.objects.filter(campaign=campaign).values_list("pk", "url"))
    assert sorted(links.values()) == [
        "https://shop.example.com/faq?utm_source=sandbox",
        "https://shop.example.com/sale?utm_source=sandbox",
    ]

    # when a quarter of the recipients open their first link an hour later (twice each), and
    # WhatsApp's preview fetcher opens every first link
    redirect.cache_clear()
    clickers = tokens[: AUDIENCE // 4]
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1), tick=False):
        for found in tokens:
            client.get(f"/r/{found[0]}", HTTP_USER_AGENT=UA["whatsapp"])
        for found in clickers:
            for _ in range(2):
                response = client.get(f"/r/{found[0]}", HTTP_USER_AGENT=UA["android"])
                assert response.status_code == 302
                assert response["Location"].endswith(f"&ctid={found[0]}")
    result = clicks_drain()

    # then the counts are exact
    assert (result.bots, result.clicks, result.unique) == (AUDIENCE, 2 * len(clickers), 10)
    campaign.refresh_from_db()
    assert campaign.total_clicked == len(clickers)
    assert Recipient.objects.filter(campaign=campaign, clicked_at__isnull=False).count() == 10
    totals = rollup_totals(campaign)
    assert (totals[Kind.CLICKED], totals[Kind.CLICKED_UNIQUE], totals[Kind.BOT_CLICKED]) == (
        20,
        10,
        AUDIENCE,
    )
    by_link = rollup_by(campaign, Dim.LINK)
    sale = next(pk for pk, url in links.items() if "/sale" in url)
    assert by_link[str(sale)] == {Kind.CLICKED: 20, Kind.CLICKED_UNIQUE: 10}
