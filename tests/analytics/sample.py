"""A small campaign with known activity, recorded through the event log's real writer (so
the rollups the pages read are the ones production keeps): three recipients in France, the
United States and Japan, variants A and B, reads, human and bot clicks from several devices,
and two conversions, over two UTC days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from campaigns.models import Campaign
from core.events import EventType, NewEvent, events_record
from delivery.models import Recipient
from tests.factories import CampaignFactory, ContactFactory, VariantFactory

DAY1 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday
DAY2 = DAY1 + dt.timedelta(days=1)

IPHONE = {"device": "mobile", "os": "iOS", "browser": "Mobile Safari", "bot": False}
DESKTOP = {"device": "desktop", "os": "Windows", "browser": "Chrome", "bot": False}


def _recipient(campaign, n, *, country, zone, variant):
    contact = ContactFactory(
        account=campaign.account,
        phone=f"+1650555{(campaign.pk % 900) * 10 + n:04d}",
        country=country,
        timezone=zone,
    )
    return Recipient.objects.create(
        account=campaign.account,
        campaign=campaign,
        contact=contact,
        variant=variant,
        status=Recipient.Status.READ,
        provider_message_id=f"wamid.sample.{campaign.pk}.{n}",
    )


def _event(recipient, type, at, **kw):
    return NewEvent(
        account_id=recipient.account_id,
        campaign_id=recipient.campaign_id,
        recipient_id=recipient.pk,
        contact_id=recipient.contact_id,
        type=type,
        occurred_at=at,
        **kw,
    )


def campaign_with_activity(account, *, name: str = "Spring sale") -> Campaign:
    campaign = CampaignFactory(
        account=account, name=name, status="completed", type="ab-test", total_recipients=3
    )
    a = VariantFactory(campaign=campaign, key="A", name="Short", recipients_total=2)
    b = VariantFactory(campaign=campaign, key="B", name="Long", recipients_total=1)
    paris = _recipient(campaign, 1, country="FR", zone="Europe/Paris", variant=a)
    new_york = _recipient(campaign, 2, country="US", zone="America/New_York", variant=b)
    tokyo = _recipient(campaign, 3, country="JP", zone="Asia/Tokyo", variant=a)
    hour = dt.timedelta(hours=1)
    events = []
    for r, at in ((paris, DAY1), (new_york, DAY1), (tokyo, DAY2)):
        events += [
            _event(r, EventType.SENT, at),
            _event(r, EventType.DELIVERED, at + dt.timedelta(minutes=1)),
            _event(r, EventType.READ, at + hour),
        ]
    events += [
        # Paris clicks twice from an iPhone (one unique clicker), a preview bot hits once
        _event(
            paris,
            EventType.CLICKED,
            DAY1 + 2 * hour,
            data={**IPHONE, "link_id": 1, "unique": True, "link_unique": True},
        ),
        _event(paris, EventType.CLICKED, DAY1 + 3 * hour, data={**IPHONE, "link_id": 1}),
        _event(
            paris,
            EventType.CLICKED,
            DAY1 + 2 * hour,
            data={"link_id": 1, "bot": True, "bot_reason": "preview"},
        ),
        # New York clicks once from a desktop
        _event(
            new_york,
            EventType.CLICKED,
            DAY1 + 2 * hour,
            data={**DESKTOP, "link_id": 1, "unique": True, "link_unique": True},
        ),
        # both buy; New York also signs up
        _event(
            paris,
            EventType.CONVERTED,
            DAY1 + 4 * hour,
            revenue=Decimal("40.00"),
            data={"event": "purchase", "unique": True, "attribution": "click"},
        ),
        _event(
            new_york,
            EventType.CONVERTED,
            DAY1 + 4 * hour,
            revenue=Decimal("25.50"),
            data={"event": "purchase", "unique": True, "attribution": "click"},
        ),
        _event(
            new_york,
            EventType.CONVERTED,
            DAY1 + 5 * hour,
            data={"event": "signup", "unique": False, "attribution": "click"},
        ),
    ]
    events_record(events)
    return campaign
