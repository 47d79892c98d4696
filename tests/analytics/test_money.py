"""A campaign's cost, revenue and ROI: sent messages by country priced by the account's table
(the country's row, else the "every other country" row), revenue from attributed
conversions, all in exact decimals; and the stats API and details page show them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from analytics.conversions import ConversionIn, conversion_record
from analytics.models import MessagePrice
from analytics.money import campaign_channel, campaign_money, campaigns_cost
from analytics.price_defaults import default_prices
from analytics.pricing import prices_seed
from analytics.report import campaign_report
from campaigns.models import Campaign
from core.events import EventType, NewEvent, events_record
from delivery.models import Recipient
from messaging.models import Sender
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    MessageTemplateFactory,
    SenderFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def _price(account, channel, category, country, price):
    MessagePrice.objects.update_or_create(
        account=account,
        channel=channel,
        category=category,
        country=country,
        defaults={"price": Decimal(price)},
    )


def _sent(campaign, countries, *, variant=None, at=None):
    """One recipient per country code, sent (and delivered) now; answers the recipients."""
    at = at or timezone.now()
    recipients = []
    for country in countries:
        contact = ContactFactory(account=campaign.account, country=country)
        recipients.append(
            Recipient.objects.create(
                account=campaign.account,
                campaign=campaign,
                contact=contact,
                variant=variant,
                status=Recipient.Status.DELIVERED,
                sent_at=at,
                delivered_at=at,
            )
        )
    events_record(
        NewEvent(
            account_id=r.account_id,
            campaign_id=r.campaign_id,
            recipient_id=r.pk,
            contact_id=r.contact_id,
            type=kind,
            occurred_at=at,
        )
        for r in recipients
        for kind in (EventType.SENT, EventType.DELIVERED)
    )
    # The counters materialisation and the status writer keep beside the rows and events.
    Campaign.objects.filter(pk=campaign.pk).update(
        total_recipients=F("total_recipients") + len(recipients),
        total_sent=F("total_sent") + len(recipients),
        total_delivered=F("total_delivered") + len(recipients),
    )
    campaign.refresh_from_db()
    return recipients


@pytest.fixture
def whatsapp(account):
    sender = SenderFactory(account=account, channel=Sender.Channel.WHATSAPP)
    template = MessageTemplateFactory(account=account, category="utility")
    campaign = CampaignFactory(
        account=account, sender=sender, template=template, message_type="template"
    )
    prices_seed(account)
    _price(account, "whatsapp", "utility", "FR", "0.03001")
    _price(account, "whatsapp", "utility", "", "0.00770")
    return campaign


def test_cost_revenue_and_roi_are_exact(whatsapp):
    recipients = _sent(whatsapp, ["FR", "FR", "FR", "JP", ""])
    for recipient, value in zip(recipients[:2], ("19.99", "0.01"), strict=True):
        conversion_record(
            account=whatsapp.account,
            contact_id=recipient.contact_id,
            data=ConversionIn(value=Decimal(value)),
        )

    money = campaign_money(whatsapp)

    # 3 × 0.03001 (France) + 2 × 0.00770 (Japan and unknown: every other country)
    assert money.cost == Decimal("0.10543")
    assert money.revenue == Decimal("20.00")
    assert money.sent == 5
    assert money.currency == "EUR"
    # (20.00 - 0.10543) / 0.10543 = 188.69932...; per recipient 20.00 / 5
    assert money.roi == Decimal("188.6993")
    assert money.revenue_per_recipient == Decimal("4.0000")


def test_nothing_sent_means_no_roi(whatsapp):
    money = campaign_money(whatsapp)
    assert (money.cost, money.revenue, money.roi, money.revenue_per_recipient) == (
        Decimal("0"),
        Decimal("0"),
        None,
        None,
    )


def test_variant_and_days_filter_the_money(whatsapp):
    a = VariantFactory(campaign=whatsapp, key="A")
    b = VariantFactory(campaign=whatsapp, key="B")
    yesterday = timezone.now() - dt.timedelta(days=1)
    _sent(whatsapp, ["FR"], variant=a, at=yesterday)
    _sent(whatsapp, ["FR", "FR"], variant=b)

    assert campaign_money(whatsapp, variant="A").cost == Decimal("0.03001")
    assert campaign_money(whatsapp, variant="B").cost == Decimal("0.06002")
    today = timezone.now().date()
    assert campaign_money(whatsapp, since=today).cost == Decimal("0.06002")
    assert campaign_money(whatsapp, until=today - dt.timedelta(days=1)).sent == 1


def test_channel_and_category_decide_the_price_row(account):
    sms = CampaignFactory(account=account, sender=SenderFactory(account=account, channel="sms"))
    text = CampaignFactory(account=account)  # sandbox stands in for WhatsApp
    assert campaign_channel(sms) == ("sms", "")
    assert campaign_channel(text) == ("whatsapp", "marketing")

    _sent(sms, ["DE", "DE"])
    expected = 2 * next(
        p.price for p in default_prices("EUR") if (p.channel, p.country) == ("sms", "DE")
    )
    # An account without any price row is costed at the defaults.
    assert not MessagePrice.objects.filter(account=account).exists()
    assert campaign_money(sms).cost == expected


def test_the_stats_api_answers_cost_revenue_and_roi(api, whatsapp):
    recipient = _sent(whatsapp, ["FR"])[0]
    conversion_record(
        account=whatsapp.account,
        contact_id=recipient.contact_id,
        data=ConversionIn(value=Decimal("3.00")),
    )

    answer = api.get(f"/api/campaigns/{whatsapp.pk}/stats").json()

    assert answer["cost"] == pytest.approx(0.03001)
    assert answer["revenue"] == 3.0
    assert answer["roi"] == 98.9667
    assert answer["revenuePerRecipient"] == 3.0
    assert answer["currency"] == "EUR"
    assert answer["totalConverted"] == 1
    assert answer["estimatedRevenue"] == 3.0
    assert answer["conversionRate"] == 100.0


def test_the_details_page_shows_cost_revenue_and_roi(logged_in_client, whatsapp):
    recipient = _sent(whatsapp, ["FR"])[0]
    conversion_record(
        account=whatsapp.account,
        contact_id=recipient.contact_id,
        data=ConversionIn(value=Decimal("1234.5")),
    )

    page = logged_in_client.get(f"/dashboard/campaigns/{whatsapp.pk}/").content.decode()

    assert "1,234.50 EUR" in page
    assert "0.03 EUR" in page  # the cost, to the cent
    assert "+4113528.8%" in page  # (1234.50 - 0.03001) / 0.03001


def test_the_analytics_report_answers_the_same_money(whatsapp):
    recipient = _sent(whatsapp, ["FR", "JP"])[0]
    conversion_record(
        account=whatsapp.account,
        contact_id=recipient.contact_id,
        data=ConversionIn(value=Decimal("7.00")),
    )

    report = campaign_report(campaign=whatsapp)

    assert report["cost"] == Decimal("0.03771")  # 0.03001 (France) + 0.00770 (other)
    assert report["revenue"] == Decimal("7.00")
    assert report["roi"] == float(Decimal("184.6272"))  # (7.00 - 0.03771) / 0.03771
    assert report["revenuePerRecipient"] == Decimal("3.5000")


def test_the_dashboards_costs_equal_each_campaigns_money(account, whatsapp):
    sms = CampaignFactory(account=account, sender=SenderFactory(account=account, channel="sms"))
    _sent(whatsapp, ["FR", "JP"])
    _sent(sms, ["FR"])
    idle = CampaignFactory(account=account)

    costs = campaigns_cost(account=account, campaign_ids=[whatsapp.pk, sms.pk, idle.pk])

    assert costs == {
        whatsapp.pk: campaign_money(whatsapp).cost,
        sms.pk: campaign_money(sms).cost,
        idle.pk: Decimal("0"),
    }
    assert costs[whatsapp.pk] == Decimal("0.03771")
