"""A small campaign with known figures: two variants and recipients without one, reads,
human and bot clicks, conversions with revenue over two UTC days, and contact names that try
formula injection. Events go through the real event log writer, so the rollups the report
reads are kept as in production."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from campaigns.models import Campaign
from core.events import EventType, NewEvent, events_record
from delivery.models import Recipient
from tests.factories import CampaignFactory, ContactFactory, VariantFactory

DAY1 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY2 = dt.datetime(2026, 3, 3, 14, 0, tzinfo=dt.UTC)
HUMAN = {"device": "mobile", "os": "iOS", "browser": "Mobile Safari", "bot": False}


@dataclass
class World:
    campaign: Campaign
    recipients: list[Recipient]
    events: list[NewEvent]


def build_world(account) -> World:
    campaign = CampaignFactory(account=account, name="Spring sale", total_recipients=6)
    a = VariantFactory(campaign=campaign, key="A", name="=1+1", recipients_total=3)
    b = VariantFactory(campaign=campaign, key="B", name="Short", recipients_total=2)
    people = [
        ("+33612000001", "ann@example.com", "Ann", "Martin", "FR", a),
        ("+33612000002", "bob@example.com", '=HYPERLINK("http://x")', "-2+3", "FR", a),
        ("+14155550003", "@cat@example.com", "Cat", "+SUM(A1)", "US", a),
        ("+14155550004", "dan@example.com", "Dan", "Lee", "US", b),
        ("+819012340005", "eve@example.com", "Eve", "Sato", "JP", b),
        ("+33612000006", "fay@example.com", "Fay", "Durand", "FR", None),
    ]
    recipients = []
    for phone, email, first, last, country, variant in people:
        contact = ContactFactory(
            account=account,
            phone=phone,
            email=email,
            first_name=first,
            last_name=last,
            country=country,
            timezone="Europe/Paris",
        )
        recipients.append(
            Recipient.objects.create(
                account=account,
                campaign=campaign,
                contact=contact,
                variant=variant,
                status=Recipient.Status.READ,
                sent_at=DAY1,
                delivered_at=DAY1 + dt.timedelta(minutes=1),
                read_at=DAY1 + dt.timedelta(minutes=5),
            )
        )
    recipients[5].status = Recipient.Status.FAILED
    recipients[5].read_at = None
    recipients[5].delivered_at = None
    recipients[5].failed_at = DAY1
    recipients[5].error_code = "131026"
    recipients[5].error_title = "=Message undeliverable"
    recipients[5].save()

    def event(r, type, at, **kw):
        return NewEvent(
            account_id=account.pk,
            campaign_id=campaign.pk,
            recipient_id=r.pk,
            contact_id=r.contact_id,
            type=type,
            occurred_at=at,
            **kw,
        )

    def click(r, at, *, unique, bot=False, url="https://shop.example/sale"):
        data = {**HUMAN, "link_id": 1, "url": url, "country": "FR", "unique": unique}
        if bot:
            data = {**data, "bot": True, "bot_reason": "preview", "unique": False}
        return event(r, EventType.CLICKED, at, data=data)

    def convert(r, at, value, *, unique, name="purchase", order="o-1"):
        data = {"event": name, "order_id": order, "currency": "EUR", "unique": unique}
        return event(r, EventType.CONVERTED, at, data=data, revenue=Decimal(value))

    events = []
    for r in recipients[:5]:
        events += [
            event(r, EventType.SENT, DAY1),
            event(r, EventType.DELIVERED, DAY1 + dt.timedelta(minutes=1)),
            event(r, EventType.READ, DAY1 + dt.timedelta(minutes=5)),
        ]
    events += [
        event(recipients[5], EventType.SENT, DAY1),
        event(recipients[5], EventType.FAILED, DAY1, data={"error_code": "131026"}),
        # Ann clicks twice (day 1 and day 2), Bob once, Dan once; a preview bot hits Cat.
        click(recipients[0], DAY1 + dt.timedelta(hours=1), unique=True),
        click(recipients[0], DAY2, unique=False, url="=cmd|' /C calc'!A0"),
        click(recipients[1], DAY1 + dt.timedelta(hours=2), unique=True),
        click(recipients[2], DAY1 + dt.timedelta(seconds=30), unique=False, bot=True),
        click(recipients[3], DAY2, unique=True),
        # Ann buys twice (12.50 on day 1, 30.00 on day 2); Dan signs up (no value).
        convert(recipients[0], DAY1 + dt.timedelta(hours=3), "12.50", unique=True),
        convert(recipients[0], DAY2, "30.00", unique=False, order="o-2"),
        convert(recipients[3], DAY2, "0", unique=True, name="signup", order=""),
    ]
    events_record(events)
    return World(campaign=campaign, recipients=recipients, events=events)
