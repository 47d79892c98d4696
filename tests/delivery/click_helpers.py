"""Helpers of the click tests: a campaign whose recipients got a message, and its links."""

import datetime as dt

from django.utils import timezone

from campaigns.models import Campaign
from delivery.link_tokens import token_make
from delivery.models import Recipient, TrackedLink
from tests.factories import CampaignFactory, ContactFactory

UA = {
    "iphone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "android": "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36",
    "ipad": "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    # The preview fetchers' own agents, as they send them.
    "whatsapp": "WhatsApp/2.23.20.0 A",
    "facebook": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "slack": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "twitter": "Twitterbot/1.0",
}


def sent_campaign(account, *, countries: tuple[str, ...], delivered_at: dt.datetime) -> Campaign:
    """A completed campaign whose recipients (one per country) were delivered at one time."""
    campaign = CampaignFactory(
        account=account,
        status=Campaign.Status.COMPLETED,
        started_at=delivered_at,
        total_sent=len(countries),
        total_delivered=len(countries),
    )
    Recipient.objects.bulk_create(
        [
            Recipient(
                account=account,
                campaign=campaign,
                contact=ContactFactory(account=account, country=country),
                status=Recipient.Status.DELIVERED,
                sent_at=delivered_at - dt.timedelta(seconds=5),
                delivered_at=delivered_at,
            )
            for country in countries
        ]
    )
    return campaign


def link(campaign: Campaign, url: str, *, position: int = 0, **fields) -> TrackedLink:
    from delivery.links import url_hash

    return TrackedLink.objects.create(
        campaign=campaign, url=url, url_hash=url_hash(url), position=position, **fields
    )


def token(tracked: TrackedLink, recipient: Recipient) -> str:
    return token_make(tracked.pk, recipient.pk)


def now() -> dt.datetime:
    return timezone.now()
