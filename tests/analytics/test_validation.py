"""The analytics validation test: a simulated campaign with known deliveries, reads, clicks
(bots among them) and conversions, over several days and time zones. Every figure of the
report equals the plain reading of the raw events (``tests/analytics/oracle.py``), with and
without the date and variant filters."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from analytics.report import Filters, campaign_report
from core.events import EventType, NewEvent, events_record
from delivery.models import Recipient
from delivery.status import status_apply
from messaging.statuses import StatusUpdate
from tests.analytics.oracle import truth
from tests.factories import CampaignFactory, ContactFactory, VariantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Monday 2 March 2026, 21:00 UTC: Tuesday morning in Tokyo, Monday afternoon in Los Angeles.
T0 = dt.datetime(2026, 3, 2, 21, 0, tzinfo=dt.UTC)
PLACES = [
    ("US", "America/Los_Angeles"),
    ("JP", "Asia/Tokyo"),
    ("FR", "Europe/Paris"),
    ("BR", "America/Sao_Paulo"),
    ("IN", "Asia/Kolkata"),
    ("GB", ""),  # no zone of its own: the account's (Europe/Paris)
]
IPHONE = {"device": "mobile", "os": "iOS", "browser": "Mobile Safari"}
DESKTOP = {"device": "desktop", "os": "Windows", "browser": "Chrome"}


@pytest.fixture
def simulated(account):
    campaign = CampaignFactory(account=account, ab_enabled=True, total_recipients=24)
    a = VariantFactory(campaign=campaign, key="A", name="Short", recipients_total=12)
    b = VariantFactory(campaign=campaign, key="B", name="Long", recipients_total=12)
    recipients = []
    for i in range(24):
        country, zone = PLACES[i % len(PLACES)]
        contact = ContactFactory(
            account=account, phone=f"+1650555{i:04d}", country=country, timezone=zone
        )
        recipients.append(
            Recipient.objects.create(
                account=account,
                campaign=campaign,
                contact=contact,
                variant=a if i % 2 else b,
                status=Recipient.Status.SENDING,
                provider_message_id=f"wamid.v.{i}",
            )
        )

    def statuses(*pairs):
        status_apply(
            updates=[
                StatusUpdate(
                    provider_message_id=f"wamid.v.{i}",
                    status=s,
                    timestamp=int(at.timestamp()),
                    error_code="131026" if s == "failed" else "",
                )
                for i, s, at in pairs
            ]
        )

    def click(i, at, link, ua, *, bot=False):
        r = recipients[i]
        first = not Recipient.objects.filter(pk=r.pk, clicked_at__isnull=False).exists()
        events_record(
            [
                NewEvent(
                    account_id=account.pk,
                    campaign_id=campaign.pk,
                    recipient_id=r.pk,
                    contact_id=r.contact_id,
                    type=EventType.CLICKED,
                    occurred_at=at,
                    data={
                        **ua,
                        "link_id": link,
                        "bot": bot,
                        "unique": first and not bot,
                        "link_unique": not bot and (r.pk, link) not in seen_links,
                    },
                )
            ]
        )
        if not bot:
            seen_links.add((r.pk, link))
            Recipient.objects.filter(pk=r.pk, clicked_at__isnull=True).update(clicked_at=at)

    seen_links: set = set()

    def convert(i, at, event, value):
        r = recipients[i]
        first = not Recipient.objects.filter(pk=r.pk, converted_at__isnull=False).exists()
        events_record(
            [
                NewEvent(
                    account_id=account.pk,
                    campaign_id=campaign.pk,
                    recipient_id=r.pk,
                    contact_id=r.contact_id,
                    type=EventType.CONVERTED,
                    occurred_at=at,
                    revenue=value,
                    data={"event": event, "unique": first},
                )
            ]
        )
        Recipient.objects.filter(pk=r.pk, converted_at__isnull=True).update(converted_at=at)

    hour = dt.timedelta(hours=1)
    with time_machine.travel(T0, tick=False) as clock:
        # day 1: everyone is sent; most are delivered within the hours around midnight
        statuses(*[(i, "sent", T0) for i in range(24)])
        statuses(*[(i, "delivered", T0 + (i % 5) * hour) for i in range(22)])
        statuses((22, "failed", T0 + hour))
        clock.move_to(T0 + 6 * hour)
        # reads over the next day, in several hours, and one delivered message fails after all
        statuses(*[(i, "read", T0 + (3 + i) * hour) for i in range(0, 22, 3)])
        statuses((1, "failed", T0 + 7 * hour))
        # clicks: people (twice on one link, on two links), a preview bot and a scanner
        click(0, T0 + 4 * hour, 1, IPHONE)
        click(0, T0 + 5 * hour, 1, IPHONE)
        click(0, T0 + 30 * hour, 2, DESKTOP)
        click(3, T0 + 9 * hour, 1, IPHONE)
        click(6, T0 + 26 * hour, 2, DESKTOP)
        click(9, T0 + 27 * hour, 1, IPHONE)
        click(
            3, T0 + 4 * hour, 1, {"device": "other", "os": "Other", "browser": "WhatsApp"}, bot=True
        )
        click(12, T0 + 2 * hour, 2, {"device": "other", "os": "Other", "browser": "curl"}, bot=True)
        clock.move_to(T0 + 50 * hour)
        # conversions on the following days
        convert(0, T0 + 31 * hour, "purchase", Decimal("49.90"))
        convert(0, T0 + 49 * hour, "purchase", Decimal("10.10"))
        convert(3, T0 + 10 * hour, "signup", None)
        convert(9, T0 + 48 * hour, "purchase", Decimal("120.00"))
    campaign.refresh_from_db()
    return campaign


def _check(report, t):
    funnel = {s["stage"]: s["count"] for s in report["funnel"]}
    assert funnel == {
        "recipients": t.recipients,
        "sent": t.sent,
        "delivered": t.delivered,
        "read": t.read,
        "clicked": t.clicked,
        "converted": t.converted,
    }
    figures = ("sent", "delivered", "read", "failed", "clicks")
    assert {
        row["at"].astimezone(dt.UTC): {k: row[k] for k in figures if row[k]}
        for row in report["timeseries"]["hourly"]
        if any(row[k] for k in figures)
    } == {
        at: {k: n for k, n in c.items() if n and k in figures}
        for at, c in t.hourly.items()
        if any(c[k] for k in figures)
    }
    assert {
        row["day"]: {k: row[k] for k in ("sent", "delivered", "read", "failed") if row[k]}
        for row in report["timeseries"]["daily"]
        if any(row[k] for k in ("sent", "delivered", "read", "failed"))
    } == {
        day: {k: n for k, n in c.items() if n and k in ("sent", "delivered", "read", "failed")}
        for day, c in t.daily.items()
        if any(c[k] for k in ("sent", "delivered", "read", "failed"))
    }
    assert report["heatmap"]["read"] == t.heat_read
    assert report["heatmap"]["clicked"] == t.heat_clicked
    assert {
        row["country"]: {k: row[k] for k in ("sent", "delivered", "read", "clicks") if row[k]}
        for row in report["byCountry"]
    } == {
        country: {k: n for k, n in c.items() if n and k in ("sent", "delivered", "read", "clicks")}
        for country, c in t.countries.items()
    }
    assert {r["name"]: r["clicks"] for r in report["byDevice"]["device"]} == dict(t.devices)
    assert {r["name"]: r["clicks"] for r in report["byDevice"]["os"]} == dict(t.oses)
    assert {r["name"]: r["clicks"] for r in report["byDevice"]["browser"]} == dict(t.browsers)
    assert {r["event"]: (r["count"], r["value"]) for r in report["conversions"]} == t.events
    assert report["revenue"] == t.revenue
    for row in report["byVariant"]:
        expected = t.variants.get(row["variant"], {})
        for k in ("sent", "delivered", "read", "clicked", "converted"):
            assert row[k] == expected.get(k, 0), (row["variant"], k)


def test_the_report_equals_the_events(simulated, account):
    # given the simulated campaign; when its report is read whole, then it equals the events
    t = truth(simulated, account_zone=account.timezone)
    _check(campaign_report(campaign=simulated), t)
    # and the known figures are what the story says
    assert (t.sent, t.delivered, t.read, t.failed) == (24, 21, 8, 2)
    assert (t.clicks, t.bot_clicks, t.clicked, t.converted) == (6, 2, 4, 3)
    assert t.revenue == Decimal("180.00")


@pytest.mark.parametrize(
    "filters",
    [
        Filters(since=dt.date(2026, 3, 3)),
        Filters(until=dt.date(2026, 3, 2)),
        Filters(since=dt.date(2026, 3, 3), until=dt.date(2026, 3, 3)),
        Filters(variant="B"),
        Filters(variant="A", since=dt.date(2026, 3, 4)),
        # recipient 0 (B) first clicked on the 3rd: a later click on the 4th wins nobody
        Filters(variant="B", since=dt.date(2026, 3, 4)),
    ],
)
def test_the_filtered_report_equals_the_filtered_events(simulated, account, filters):
    t = truth(
        simulated,
        account_zone=account.timezone,
        since=filters.since,
        until=filters.until,
        variant=filters.variant,
    )
    report = campaign_report(campaign=simulated, filters=filters)
    if filters.since or filters.until:
        # a period's first stage is still the campaign's (or variant's) recipients
        t.recipients = report["funnel"][0]["count"]
    _check(report, t)
