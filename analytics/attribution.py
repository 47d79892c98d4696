"""Which campaign a conversion goes to: the account's rule, as a pure function over the
contact's touches, and the queries that find those touches.

The rule (per account, ``Account.click_window_days`` / ``delivery_window_days``): the last
human click within the click window before the conversion; else the last message delivered
within the delivery window; else nothing (the conversion counts for the account only). A
window's edge is inside (a click exactly N days before counts); a touch after the conversion
never counts; bot clicks never count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Account
from analytics.models import Conversion, Event
from delivery.models import Recipient


@dataclass(frozen=True)
class Touch:
    """A click on, or a delivery of, one recipient's message."""

    at: dt.datetime
    campaign_id: int
    recipient_id: int
    variant_key: str = ""


@dataclass(frozen=True)
class Attribution:
    kind: str  # Conversion.Attribution: "click" or "delivery"
    touch: Touch


def _last_within(
    touches: Iterable[Touch], *, occurred_at: dt.datetime, window: dt.timedelta
) -> Touch | None:
    if window <= dt.timedelta(0):
        return None
    since = occurred_at - window
    inside = [t for t in touches if since <= t.at <= occurred_at]
    # Ties (two touches at the same instant) go to the later recipient row.
    return max(inside, key=lambda t: (t.at, t.recipient_id), default=None)


def attribution_pick(
    *,
    occurred_at: dt.datetime,
    clicks: Iterable[Touch],
    deliveries: Iterable[Touch],
    click_window: dt.timedelta,
    delivery_window: dt.timedelta,
) -> Attribution | None:
    """The rule itself, on touches already known to be human clicks and deliveries."""
    click = _last_within(clicks, occurred_at=occurred_at, window=click_window)
    if click is not None:
        return Attribution(Conversion.Attribution.CLICK, click)
    delivery = _last_within(deliveries, occurred_at=occurred_at, window=delivery_window)
    if delivery is not None:
        return Attribution(Conversion.Attribution.DELIVERY, delivery)
    return None


def _touch(row: tuple[dt.datetime | None, int, int, str | None]) -> Touch:
    at, campaign_id, recipient_id, variant_key = row
    assert at is not None  # the queries filter on the time's range
    return Touch(at, campaign_id, recipient_id, variant_key or "")


def contact_touches(
    *, account: Account, contact_id: int, occurred_at: dt.datetime
) -> tuple[list[Touch], list[Touch]]:
    """The contact's last human click and last delivery inside the account's windows, as
    candidates for ``attribution_pick``: a few indexed rows, whatever the contact's history.

    Clicks come from the click events (every human click, so the last one) and from
    ``Recipient.clicked_at``, whichever is later."""
    click_since = occurred_at - dt.timedelta(days=account.click_window_days)
    human = Q(data__bot=False) | ~Q(data__has_key="bot")
    clicks = [
        _touch(row)
        for row in Event.objects.filter(
            account=account,
            contact_id=contact_id,
            type=Event.Type.CLICKED,
            occurred_at__gte=click_since,
            occurred_at__lte=occurred_at,
            campaign__isnull=False,
            recipient__isnull=False,
        )
        .filter(human)
        .order_by("-occurred_at", "-id")
        .values_list("occurred_at", "campaign_id", "recipient_id", "recipient__variant__key")[:1]
    ]
    recipients = Recipient.objects.filter(account=account, contact_id=contact_id)
    clicks += [
        _touch(row)
        for row in recipients.filter(clicked_at__gte=click_since, clicked_at__lte=occurred_at)
        .order_by("-clicked_at", "-id")
        .values_list("clicked_at", "campaign_id", "id", "variant__key")[:1]
    ]
    deliveries: list[Touch] = []
    if account.delivery_window_days > 0:
        delivery_since = occurred_at - dt.timedelta(days=account.delivery_window_days)
        deliveries = [
            _touch(row)
            for row in recipients.filter(
                delivered_at__gte=delivery_since, delivered_at__lte=occurred_at
            )
            .order_by("-delivered_at", "-id")
            .values_list("delivered_at", "campaign_id", "id", "variant__key")[:1]
        ]
    return clicks, deliveries


def attribution_find(
    *, account: Account, contact_id: int, occurred_at: dt.datetime
) -> Attribution | None:
    """The account's rule applied to the contact's touches before ``occurred_at``."""
    clicks, deliveries = contact_touches(
        account=account, contact_id=contact_id, occurred_at=occurred_at
    )
    return attribution_pick(
        occurred_at=occurred_at,
        clicks=clicks,
        deliveries=deliveries,
        click_window=dt.timedelta(days=account.click_window_days),
        delivery_window=dt.timedelta(days=account.delivery_window_days),
    )


def attribution_of_recipient(*, recipient_id: int, at: dt.datetime) -> Attribution | None:
    """A click on a known recipient's link (the website pixel's token) attributes directly."""
    row = (
        Recipient.objects.filter(pk=recipient_id)
        .values_list("campaign_id", "id", "variant__key")
        .first()
    )
    if row is None:
        return None
    campaign_id, rid, variant_key = row
    return Attribution(Conversion.Attribution.CLICK, Touch(at, campaign_id, rid, variant_key or ""))
