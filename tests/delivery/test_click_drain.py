"""The drain turns buffered hits into clicks: preview fetchers, HEAD and too-fast hits are
bots; first clicks per campaign and per link; counters, events and rollups exact; each hit
applied once, from the table or from Redis."""

import datetime as dt
import json

import pytest
import time_machine
from django.conf import settings as django_settings

from analytics.links import campaign_links
from analytics.models import Event
from analytics.rollups import Dim, Kind, rollup_by, rollup_totals
from delivery import hit_writer, redirect
from delivery.clicks import clicks_drain, hits_move_from_redis
from delivery.models import ClickHit, LinkClick
from tests.delivery.click_helpers import UA, link, sent_campaign, token

pytestmark = pytest.mark.django_db
# The leg's Redis, read before the fixture below sends the other tests' hits to the table.
REDIS_URL = django_settings.REDIS_URL
DELIVERED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.REDIS_URL = ""
    settings.CLICK_COUNTRY_HEADER = "CF-IPCountry"
    redirect.cache_clear()
    yield
    redirect.cache_clear()


@pytest.fixture
def sale(account):
    campaign = sent_campaign(account, countries=("FR", "FR", "US"), delivered_at=DELIVERED)
    ada, bob, cy = campaign.recipients.order_by("pk")
    home = link(campaign, "https://shop.example.com/", position=0)
    shoes = link(campaign, "https://shop.example.com/shoes", position=1, label="Shoes")
    return campaign, (ada, bob, cy), (home, shoes)


def _click(client, tracked, recipient, *, seconds: float, agent: str, head=False, **headers):
    """A hit ``seconds`` after delivery, through the real redirect."""
    at = DELIVERED + dt.timedelta(seconds=seconds)
    with time_machine.travel(at, tick=False):
        call = client.head if head else client.get
        response = call(f"/r/{token(tracked, recipient)}", HTTP_USER_AGENT=UA[agent], **headers)
    assert response.status_code == 302


def test_bots_too_fast_hits_and_uniques_make_exact_counters_events_and_rollups(client, sale):
    campaign, (ada, bob, _cy), (home, shoes) = sale
    # given preview fetchers, a HEAD and a hit one second after delivery, all on Ada's link
    _click(client, home, ada, seconds=1, agent="iphone")
    for agent in ("whatsapp", "facebook", "slack", "twitter"):
        _click(client, home, ada, seconds=60, agent=agent)
    _click(client, home, ada, seconds=60, agent="iphone", head=True)
    # and people: Ada twice on home, once on shoes; Bob on shoes from Germany
    _click(client, home, ada, seconds=120, agent="iphone")
    _click(client, home, ada, seconds=180, agent="android")
    _click(client, shoes, ada, seconds=200, agent="windows")
    _click(client, shoes, bob, seconds=300, agent="ipad", HTTP_CF_IPCOUNTRY="DE")

    # when the drain runs (twice: the second finds nothing)
    result = clicks_drain()
    again = clicks_drain()

    # then 6 bot hits and 4 clicks by 2 people
    assert (result.hits, result.bots, result.clicks, result.unique) == (10, 6, 4, 2)
    assert again.hits == 0
    assert not ClickHit.objects.exists()
    campaign.refresh_from_db()
    assert campaign.total_clicked == 2
    ada.refresh_from_db()
    bob.refresh_from_db()
    assert ada.clicked_at == DELIVERED + dt.timedelta(seconds=120)
    assert bob.clicked_at == DELIVERED + dt.timedelta(seconds=300)

    events = list(Event.objects.filter(campaign=campaign, type="clicked").order_by("occurred_at"))
    assert len(events) == 10
    reasons = [e.data["bot_reason"] for e in events if e.data["bot"]]
    assert sorted(reasons) == sorted(
        [
            "opened within seconds of delivery",
            "WhatsApp link preview",
            "Facebook link preview",
            "Slack link preview",
            "Twitter link preview",
            "HEAD request",
        ]
    )
    assert not any(e.data["unique"] or e.data["link_unique"] for e in events if e.data["bot"])
    people = [e.data for e in events if not e.data["bot"]]
    assert [(d["device"], d["os"], d["unique"], d["link_unique"]) for d in people] == [
        ("mobile", "iOS", True, True),
        ("mobile", "Android", False, False),
        ("desktop", "Windows", False, True),
        ("tablet", "iOS", True, True),
    ]
    assert people[0] == {
        "link_id": home.pk,
        "url": "https://shop.example.com/",
        "device": "mobile",
        "os": "iOS",
        "browser": "Mobile Safari",
        "country": "FR",
        "bot": False,
        "bot_reason": "",
        "unique": True,
        "link_unique": True,
        "method": "GET",
    }
    assert people[3]["country"] == "DE"  # the trusted header wins over the contact's

    totals = rollup_totals(campaign)
    assert (totals[Kind.CLICKED], totals[Kind.CLICKED_UNIQUE], totals[Kind.BOT_CLICKED]) == (
        4,
        2,
        6,
    )
    by_link = rollup_by(campaign, Dim.LINK)
    assert by_link[str(home.pk)] == {Kind.CLICKED: 2, Kind.CLICKED_UNIQUE: 1}
    assert by_link[str(shoes.pk)] == {Kind.CLICKED: 2, Kind.CLICKED_UNIQUE: 2}
    devices = {k: v[Kind.CLICKED] for k, v in rollup_by(campaign, Dim.DEVICE).items()}
    assert devices == {"mobile": 2, "desktop": 1, "tablet": 1}
    countries = rollup_by(campaign, Dim.COUNTRY)
    assert countries["FR"][Kind.CLICKED] == 3
    assert countries["DE"][Kind.CLICKED] == 1
    assert set(LinkClick.objects.values_list("recipient_id", "link_id")) == {
        (ada.pk, home.pk),
        (ada.pk, shoes.pk),
        (bob.pk, shoes.pk),
    }


def test_first_clicks_are_remembered_across_drains(client, sale):
    campaign, (ada, _bob, _cy), (home, shoes) = sale
    _click(client, home, ada, seconds=100, agent="iphone")
    clicks_drain()
    _click(client, home, ada, seconds=200, agent="iphone")
    _click(client, shoes, ada, seconds=300, agent="iphone")

    result = clicks_drain()

    assert (result.clicks, result.unique) == (2, 0)
    latest = Event.objects.filter(campaign=campaign, type="clicked").order_by("occurred_at")
    assert [(e.data["unique"], e.data["link_unique"]) for e in latest] == [
        (True, True),
        (False, False),
        (False, True),
    ]
    campaign.refresh_from_db()
    assert campaign.total_clicked == 1


def test_the_per_link_table_reads_the_rollups(client, sale):
    campaign, (ada, bob, _cy), (home, shoes) = sale
    _click(client, home, ada, seconds=100, agent="iphone")
    _click(client, home, ada, seconds=150, agent="iphone")
    _click(client, home, bob, seconds=200, agent="windows")
    _click(client, home, bob, seconds=1, agent="windows")  # a scanner, not counted
    clicks_drain()
    from analytics.rollup_writer import rollups_add
    from core.events import NewEvent

    # the three recipients' deliveries, as the status writer records them
    rollups_add(
        NewEvent(
            account_id=campaign.account_id,
            campaign_id=campaign.pk,
            recipient_id=r.pk,
            type="delivered",
            occurred_at=DELIVERED,
        )
        for r in campaign.recipients.all()
    )

    rows = campaign_links(campaign)

    assert [(r["url"], r["clicks"], r["unique_clicks"], r["ctr"]) for r in rows] == [
        ("https://shop.example.com/", 3, 2, 66.67),  # percent of delivered, as the report
        ("https://shop.example.com/shoes", 0, 0, 0.0),
    ]
    assert rows[1]["label"] == "Shoes"
    # and the analytics report (page, API, exports) carries the same rows
    from analytics.report import campaign_report

    assert campaign_report(campaign=campaign)["links"] == rows


def test_a_hit_whose_link_is_not_its_recipients_campaigns_is_dropped(client, sale, account):
    campaign, (ada, _bob, _cy), _links = sale
    other = sent_campaign(account, countries=("FR",), delivered_at=DELIVERED)
    foreign = link(other, "https://elsewhere.example.com/")
    _click(client, foreign, ada, seconds=100, agent="iphone")
    result = clicks_drain()
    assert (result.hits, result.dropped, result.clicks) == (1, 1, 0)
    assert not Event.objects.filter(type="clicked").exists()


@pytest.mark.redis
def test_hits_buffered_in_redis_are_applied_once(client, sale, settings):
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set (the SQLite leg runs without Redis)")
    settings.REDIS_URL = REDIS_URL
    hit_writer.redis_client.cache_clear()
    client_redis = hit_writer.redis_client()
    client_redis.delete(hit_writer.REDIS_KEY)
    campaign, (ada, bob, _cy), (home, _shoes) = sale

    _click(client, home, ada, seconds=100, agent="iphone")
    _click(client, home, bob, seconds=100, agent="android")
    assert not ClickHit.objects.exists()  # nothing written in the request
    assert client_redis.llen(hit_writer.REDIS_KEY) == 2
    # a drain that stopped after copying but before trimming copies the same hits again
    first = client_redis.lindex(hit_writer.REDIS_KEY, 0)
    client_redis.rpush(hit_writer.REDIS_KEY, first)
    assert json.loads(first)["r"] == ada.pk

    result = clicks_drain()

    assert (result.hits, result.clicks, result.unique) == (2, 2, 2)
    assert client_redis.llen(hit_writer.REDIS_KEY) == 0
    campaign.refresh_from_db()
    assert campaign.total_clicked == 2
    assert hits_move_from_redis() == 0
    hit_writer.redis_client.cache_clear()


def test_the_drain_is_an_every_minute_schedule_and_a_task(client, sale, settings):
    from django_q.models import Schedule

    from delivery import schedules, tasks

    schedules.schedules_ensure()
    row = Schedule.objects.get(name="campaigns-clicks-drain")
    assert (row.func, row.schedule_type, row.minutes) == (
        "delivery.tasks.clicks_drain",
        Schedule.MINUTES,
        1,
    )
    _campaign, (ada, _bob, _cy), (home, _shoes) = sale
    _click(client, home, ada, seconds=100, agent="iphone")
    settings.CAMPAIGNS_TASKS_SYNC = True  # inline: no follow-up task is enqueued
    assert tasks.clicks_drain() == 1
    assert tasks.clicks_drain() == 0


@pytest.mark.redis
def test_a_second_mover_leaves_redis_alone_while_the_first_holds_the_lock(settings):
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set (the SQLite leg runs without Redis)")
    from delivery.clicks import LOCK_KEY

    settings.REDIS_URL = REDIS_URL
    hit_writer.redis_client.cache_clear()
    client_redis = hit_writer.redis_client()
    client_redis.delete(hit_writer.REDIS_KEY)
    client_redis.rpush(hit_writer.REDIS_KEY, b"{}")
    client_redis.set(LOCK_KEY, "another drain", ex=60)
    try:
        assert hits_move_from_redis() == 0
        assert client_redis.llen(hit_writer.REDIS_KEY) == 1
        assert client_redis.get(LOCK_KEY) == b"another drain"  # not released by us
    finally:
        client_redis.delete(LOCK_KEY, hit_writer.REDIS_KEY)
        hit_writer.redis_client.cache_clear()
