"""What audience asks of the apps above it, without importing them.

Engagement rules name campaigns and read the event log, the frequency cap reads the messages
already sent, and a segment's new filters change the reach of the campaigns using it: all of
it owned by apps higher in the layers (README, "Layers"). Each question is a port here, and the
app that owns the answer fills it in its ``AppConfig.ready()``. An empty port raises
``ImproperlyConfigured``: answering "no such campaign" or "nobody engaged" instead would
quietly change who a campaign reaches.

What audience tells rather than asks (a segment's filters changed, tags were added to
contacts) are signals: any number of apps may react, and none answers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.dispatch import Signal

from core.ports import Port

if TYPE_CHECKING:
    from django.db.models import Q

    from accounts.models import Account
    from audience.models import Segment


class CampaignDirectory(Protocol):
    """Campaigns as engagement rules, the filter builder and segment deletion name them."""

    def campaign_exists(self, *, account: Account, campaign_id: int) -> bool:
        """Whether the account has that campaign (deleted ones included)."""
        ...

    def campaign_names(self, *, account: Account, campaign_ids: Collection[int]) -> dict[int, str]:
        """Names by id of those of ``campaign_ids`` the account has."""
        ...

    def campaign_choices(self, *, account: Account, limit: int) -> list[tuple[int, str]]:
        """(id, name) of the account's live campaigns, newest first, at most ``limit``."""
        ...

    def campaign_names_using(self, *, segment: Segment) -> list[str]:
        """Sorted names of the live campaigns that include or exclude ``segment``."""
        ...


class EngagementCondition(Protocol):
    """A condition on ``Contact`` rows: the contact has an event of ``event_types``, of
    ``campaign_id`` when given, at or after ``since`` when given."""

    def __call__(
        self,
        *,
        account: Account,
        event_types: Sequence[str],
        campaign_id: int | None = None,
        since: datetime | None = None,
    ) -> Q: ...


class MessagedSince(Protocol):
    """A condition on ``Contact`` rows: the account sent the contact a message at or after
    ``since`` (the frequency cap), leaving out ``exclude_campaign_id``'s messages when given:
    a journey's own earlier steps do not cap it."""

    def __call__(
        self, *, account: Account, since: datetime, exclude_campaign_id: int | None = None
    ) -> Q: ...


campaign_directory: Port[CampaignDirectory] = Port("campaign directory", owner="campaigns")
engagement_condition: Port[EngagementCondition] = Port("engagement condition", owner="analytics")
messaged_since: Port[MessagedSince] = Port(
    "messaged-since condition", owner="the app owning Recipient"
)

# Sent inside the segment's saving transaction, with ``segment=``, after its new filters are
# saved and recounted.
segment_filters_changed = Signal()


class _Channel(Protocol):
    @property
    def channel(self) -> str: ...


class _Segments(Protocol):
    def all(self) -> Iterable[Segment]: ...


class CampaignAudience(Protocol):
    """The audience part of a campaign, as ``audience.selectors`` reads it."""

    @property
    def pk(self) -> Any: ...
    @property
    def account(self) -> Account: ...
    @property
    def audience_type(self) -> str: ...
    @property
    def segments(self) -> _Segments: ...
    @property
    def custom_filters(self) -> Any: ...
    @property
    def exclude_unsubscribed(self) -> bool: ...
    @property
    def exclude_segments(self) -> _Segments: ...
    @property
    def exclude_suppressed(self) -> bool: ...
    @property
    def frequency_cap_hours(self) -> int | None: ...
    @property
    def sender(self) -> _Channel | None: ...


class CampaignReach(CampaignAudience, Protocol):
    """A campaign whose reach ``segments.campaign_refresh_reach`` recounts and saves."""

    estimated_reach: int
    estimated_reach_at: datetime | None

    def save(self, *, update_fields: list[str]) -> None: ...


# Sent inside the transaction that adds the links, with ``account`` and ``pairs``: the
# (contact id, tag id) links that did not exist before (a tag a contact keeps is not added
# again). Every path that adds tags goes through ``audience.services.contacts.links_add``.
tags_added = Signal()
