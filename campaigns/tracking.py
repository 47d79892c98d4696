"""What a campaign's link tracking will do, in words, for the wizard's review and the details
page: the pages say the same thing the send path (``delivery.links``) does."""

from campaigns.models import Campaign
from core.public import public_base_url


def utm_in_words(campaign: Campaign) -> str:
    """``utm_source=whatsapp · utm_campaign=spring`` or ""."""
    pairs = [
        ("utm_source", campaign.utm_source),
        ("utm_medium", campaign.utm_medium),
        ("utm_campaign", campaign.utm_campaign),
    ]
    return " · ".join(f"{name}={value}" for name, value in pairs if value)


def link_tracking_in_words(campaign: Campaign) -> tuple[bool, str]:
    """Whether links will be tracked, and the sentence that says so (or why not)."""
    utm = utm_in_words(campaign)
    added = f" UTM parameters added to every link: {utm}." if utm else ""
    if not campaign.track_links:
        return False, f"Links are sent as written (tracking is off).{added}"
    base = public_base_url()
    if not base:
        return False, (
            "Links are sent as written: this install has no public address "
            f"(PUBLIC_BASE_URL), so a tracked link would lead nowhere.{added}"
        )
    return True, (
        f"Links will be tracked: each recipient gets their own short link ({base}/r/…) that "
        f"counts the click and leads to the page.{added}"
    )
