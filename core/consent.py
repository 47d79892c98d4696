"""Consent ports: the channels carry a contact's opt-out, audience owns the contact.

messaging reads STOP in a WhatsApp or SMS reply and puts an unsubscribe link in every e-mail,
but the contacts and the link's signed route are audience's, a sibling it may not import (nor
may audience import messaging). So both calls go through ports here, and audience registers
the implementations when it starts (``audience.apps``).
"""

import datetime as dt
from collections.abc import Sequence
from typing import Literal, Protocol

from core.ports import Port

# How the reply's sender is written: WhatsApp's ``wa_id`` (digits, not always the contact's
# E.164 number), or the SMS provider's ``From`` number.
ReplyChannel = Literal["whatsapp", "sms"]


class RepliesUnsubscribe(Protocol):
    def __call__(
        self,
        *,
        account_id: int,
        channel: ReplyChannel,
        addresses: Sequence[str],
        at: dt.datetime | None = None,
    ) -> int: ...


replies_unsubscribe: Port[RepliesUnsubscribe] = Port(
    "the opt-out of contacts who reply STOP", owner="audience"
)


def contacts_unsubscribe_by_reply(
    *,
    account_id: int,
    channel: ReplyChannel,
    addresses: Sequence[str],
    at: dt.datetime | None = None,
) -> int:
    """Unsubscribe the account's contacts who replied STOP from ``addresses`` on ``channel``;
    answers how many changed (one already unsubscribed does not count)."""
    return replies_unsubscribe.get()(
        account_id=account_id, channel=channel, addresses=addresses, at=at
    )


class EmailUnsubscribeUrl(Protocol):
    def __call__(
        self, *, account_id: int, contact_id: int, recipient_id: int | None = None
    ) -> str: ...


email_unsubscribe_link: Port[EmailUnsubscribeUrl] = Port(
    "the e-mail unsubscribe link", owner="audience"
)


def email_unsubscribe_url(
    *, account_id: int, contact_id: int, recipient_id: int | None = None
) -> str:
    """The contact's signed one-click link, absolute; "" without ``PUBLIC_BASE_URL``."""
    return email_unsubscribe_link.get()(
        account_id=account_id, contact_id=contact_id, recipient_id=recipient_id
    )
