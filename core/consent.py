"""Consent ports: the channels hear a contact opt out, audience owns the contact.

messaging reads STOP in a WhatsApp or SMS reply, but the contacts are audience's, a sibling it
may not import (nor may audience import messaging). So the call goes through a port here, and
audience registers the implementation when it starts (``audience.apps``).
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
