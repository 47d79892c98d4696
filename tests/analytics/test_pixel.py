"""The website script and pixel: ``/t/c.js`` is served for long caching; ``/t/pixel.gif``
answers the same GIF to everything, records a conversion only for a live token and
well-formed input, and never a 500."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from analytics.models import Conversion, Event
from analytics.pixel import GIF
from campaigns.models import Campaign
from delivery.link_tokens import token_make
from delivery.models import Recipient
from tests.factories import CampaignFactory, ContactFactory

pytestmark = pytest.mark.django_db

PIXEL = "/t/pixel.gif"


@pytest.fixture
def anonymous():
    """A shop visitor's browser: no session, no key, CSRF checks on."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def recipient(account):
    campaign = CampaignFactory(account=account, status="running")
    return Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=ContactFactory(account=account),
        status=Recipient.Status.READ,
        delivered_at=timezone.now() - dt.timedelta(hours=3),
        clicked_at=timezone.now() - dt.timedelta(hours=2),
    )


@pytest.fixture
def token(recipient):
    return token_make(7, recipient.pk)


def _is_the_gif(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content == GIF
    assert "no-store" in response["Cache-Control"]
    return True


def test_a_valid_token_records_a_click_attributed_conversion(anonymous, recipient, token):
    response = anonymous.get(
        PIXEL, {"t": token, "e": "purchase", "v": "19.990000001", "c": "eur", "o": "W-1"}
    )

    assert _is_the_gif(response)
    conversion = Conversion.objects.get()
    assert conversion.recipient_id == recipient.pk
    assert conversion.campaign_id == recipient.campaign_id
    assert conversion.contact_id == recipient.contact_id
    assert conversion.attribution == "click"
    assert conversion.value == Decimal("19.99")
    assert conversion.currency == "EUR"
    campaign = Campaign.objects.get(pk=recipient.campaign_id)
    assert (campaign.total_converted, campaign.estimated_revenue) == (1, Decimal("19.99"))
    assert "sessionid" not in response.cookies


def test_the_same_order_twice_counts_once(anonymous, recipient, token):
    for _ in range(2):
        assert _is_the_gif(anonymous.get(PIXEL, {"t": token, "v": "5", "o": "W-2"}))
    assert Conversion.objects.count() == 1
    assert Event.objects.filter(type=Event.Type.CONVERTED).count() == 1


def test_properties_and_custom_events_are_kept(anonymous, token):
    anonymous.get(PIXEL, {"t": token, "e": "form_submitted", "p": '{"form": "newsletter"}'})
    conversion = Conversion.objects.get()
    assert (conversion.event, conversion.properties) == ("form_submitted", {"form": "newsletter"})


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"t": ""},
        {"t": "not-a-token"},
        {"t": "AAAAAAAAAAAAAAAAAAAAAA"},
        {"t": "x" * 300},
        {"t": "{token}", "e": "Bad Event"},
        {"t": "{token}", "v": "-1"},
        {"t": "{token}", "v": "NaN"},
        {"t": "{token}", "v": "Infinity"},
        {"t": "{token}", "v": "1e40"},
        {"t": "{token}", "v": "12,50"},
        {"t": "{token}", "c": "USD"},  # not the account's currency
        {"t": "{token}", "c": "euro"},
        {"t": "{token}", "o": "o" * 129},
        {"t": "{token}", "o": "bad\x00order"},
        {"t": "{token}", "p": "[1, 2]"},
        {"t": "{token}", "p": "{not json"},
    ],
)
def test_bad_input_gets_the_gif_and_records_nothing(anonymous, token, query):
    query = {key: value.replace("{token}", token) for key, value in query.items()}
    assert _is_the_gif(anonymous.get(PIXEL, query))
    assert not Conversion.objects.exists()
    assert not Event.objects.filter(type=Event.Type.CONVERTED).exists()


@pytest.mark.parametrize("raw", ["e=%ED%A0%80", "o=%00", "v=%FF%FE", "t=%C0%AF&t=x"])
def test_undecodable_query_strings_get_the_gif_and_record_nothing(anonymous, token, raw):
    assert _is_the_gif(anonymous.get(f"{PIXEL}?t={token}&{raw}"))
    assert not Conversion.objects.exists()


def test_a_token_of_a_deleted_recipient_records_nothing(anonymous, recipient, token):
    recipient.delete()
    assert _is_the_gif(anonymous.get(PIXEL, {"t": token}))
    assert not Conversion.objects.exists()


def test_other_methods_get_the_gif_and_record_nothing(anonymous, token):
    assert _is_the_gif(anonymous.post(PIXEL, {"t": token}))
    head = anonymous.head(PIXEL, {"t": token})
    assert (head.status_code, head["Content-Type"]) == (200, "image/gif")
    assert not Conversion.objects.exists()


def test_a_click_older_than_the_window_falls_back_to_the_accounts_rule(
    anonymous, account, recipient, token
):
    Recipient.objects.filter(pk=recipient.pk).update(
        clicked_at=timezone.now() - dt.timedelta(days=6),
        delivered_at=timezone.now() - dt.timedelta(days=6),
    )
    assert _is_the_gif(anonymous.get(PIXEL, {"t": token}))
    conversion = Conversion.objects.get()
    assert conversion.contact_id == recipient.contact_id
    assert (conversion.campaign_id, conversion.attribution) == (None, "")


def test_the_script_is_served_for_long_caching_and_offers_track(anonymous):
    response = anonymous.get("/t/c.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=604800" in response["Cache-Control"]
    body = response.content.decode()
    assert "ctid" in body
    assert "campaigns.track" in body
    assert "/t/pixel.gif?" in body


def test_a_token_replayed_past_its_hourly_limit_records_nothing_more(
    anonymous, recipient, settings
):
    # given a limit of three reports per token and hour
    settings.PIXEL_CONVERSIONS_PER_HOUR = 3
    replayed = token_make(424242, recipient.pk)
    other = token_make(424243, recipient.pk)

    # when one token reports five orders, another one
    for n in range(5):
        assert _is_the_gif(anonymous.get(PIXEL, {"t": replayed, "v": "10", "o": f"R-{n}"}))
    assert _is_the_gif(anonymous.get(PIXEL, {"t": other, "v": "10", "o": "R-other"}))

    # then the first three and the other token's count; the replays past the limit do not
    orders = set(Conversion.objects.values_list("order_id", flat=True))
    assert orders == {"R-0", "R-1", "R-2", "R-other"}
    campaign = Campaign.objects.get(pk=recipient.campaign_id)
    assert campaign.estimated_revenue == Decimal("40.00")
