"""Click tracking at send time: delivery's ``LinkTracker`` for the message builder.

Each distinct destination of a campaign's (or a variant's) message becomes one ``TrackedLink``
row, made the first time a batch meets it; a recipient's copy of the link is then
``<PUBLIC_BASE_URL>/r/<token>``, the token carrying the link's id and the recipient's
(``delivery.link_tokens``), so the redirect reads no row but the link. The tracker is made
once per batch and message shape (``delivery.send.Renderer``) and keeps the links it knows, so
a batch costs one read of them plus one INSERT per new destination, never a query per message.

UTM parameters are added to every destination, tracked or not; the unsubscribe link, media and
anything else on this install's own address are left as written.
"""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from django.db.models import QuerySet
from django.utils.encoding import iri_to_uri

from campaigns.models import Campaign
from core.public import public_base_url
from delivery.link_tokens import token_make
from delivery.models import TrackedLink

logger = logging.getLogger(__name__)

REDIRECT_PATH = "/r/"
# Distinct destinations tracked per message shape. A link personalised per contact
# ("…?ref={{id}}") would otherwise make a row per recipient; past this many, links go out
# untracked (with their UTM parameters) and a warning says why.
MAX_LINKS = 200
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def utm_apply(url: str, utm: dict[str, str]) -> str:
    """``url`` with the campaign's UTM parameters added after its own query; a ``utm_*`` the
    URL already has is kept, and nothing else of the URL changes."""
    if not utm:
        return url
    parts = urlsplit(url)
    present = {name.lower() for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    extra = "&".join(
        f"{name}={quote(value, safe='')}" for name, value in utm.items() if name not in present
    )
    if not extra:
        return url
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def campaign_utm(campaign: Campaign) -> dict[str, str]:
    values = {
        "utm_source": campaign.utm_source,
        "utm_medium": campaign.utm_medium,
        "utm_campaign": campaign.utm_campaign,
    }
    return {name: value.strip() for name, value in values.items() if value and value.strip()}


class CampaignLinkTracker:
    """Tracked URLs of one campaign's message shape (``variant_id`` None: the campaign's own)."""

    def __init__(self, campaign: Campaign, variant_id: int | None = None) -> None:
        self.campaign = campaign
        self.variant_id = variant_id
        base = public_base_url()
        self.redirecting = bool(campaign.track_links and base)
        self.redirect_prefix = f"{base}{REDIRECT_PATH}" if self.redirecting else ""
        self.own_prefix = f"{base}/".lower() if base else ""
        self.utm = campaign_utm(campaign)
        self._links: dict[str, int] | None = None
        self._warned = False

    @property
    def active(self) -> bool:
        """Whether the tracker changes anything (else the builder can do without it)."""
        return self.redirecting or bool(self.utm)

    def url_for(self, url: str, recipient_id: int, *, label: str = "") -> str:
        if self.own_prefix and url.lower().startswith(self.own_prefix):
            return url  # the unsubscribe link, our media, a tracked link already
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return url
        destination = iri_to_uri(utm_apply(url, self.utm))
        if not self.redirecting:
            return destination
        link_id = self._link_id(destination, label)
        if link_id is None:
            return destination
        return f"{self.redirect_prefix}{token_make(link_id, recipient_id)}"

    def _shape(self) -> QuerySet[TrackedLink]:
        """This message shape's links (a NULL variant is matched with ``isnull``)."""
        links = TrackedLink.objects.filter(campaign_id=self.campaign.pk)
        if self.variant_id is None:
            return links.filter(variant__isnull=True)
        return links.filter(variant_id=self.variant_id)

    def _known(self) -> dict[str, int]:
        if self._links is None:
            rows = self._shape().values_list("url_hash", "pk")
            self._links = dict(rows)
        return self._links

    def _link_id(self, destination: str, label: str) -> int | None:
        known = self._known()
        key = url_hash(destination)
        if key in known:
            return known[key]
        if len(known) >= MAX_LINKS:
            if not self._warned:
                logger.warning(
                    "campaign %s: more than %s distinct links (personalised URLs?); the rest "
                    "go out untracked",
                    self.campaign.pk,
                    MAX_LINKS,
                )
                self._warned = True
            return None
        # Another worker may make the same link at the same moment: the unique key keeps one,
        # and both read its id back.
        TrackedLink.objects.bulk_create(
            [
                TrackedLink(
                    campaign_id=self.campaign.pk,
                    variant_id=self.variant_id,
                    url=destination,
                    url_hash=key,
                    position=len(known),
                    label=label[:200],
                )
            ],
            ignore_conflicts=True,
        )
        link_id = self._shape().filter(url_hash=key).values_list("pk", flat=True).first()
        if link_id is not None:
            known[key] = link_id
        return link_id


def link_tracker(campaign: Campaign, variant_id: int | None = None) -> CampaignLinkTracker | None:
    """The tracker for a message shape of ``campaign``, or None when links go out as written."""
    tracker = CampaignLinkTracker(campaign, variant_id)
    return tracker if tracker.active else None
