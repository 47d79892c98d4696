"""Inbound messages from contacts: STOP-like keywords unsubscribe them.

The keywords are read here; the contacts are audience's, reached through ``core.consent``
(messaging and audience are siblings and do not import each other).
"""

import datetime as dt
from collections.abc import Sequence

from core.consent import contacts_unsubscribe_by_reply

STOP_KEYWORDS = frozenset(
    {"STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOPALL", "ARRET", "ARRÊT", "BAJA"}
)


def is_stop_keyword(text: str | None) -> bool:
    if not text:
        return False
    return text.strip().strip(".!").upper() in STOP_KEYWORDS


def contacts_unsubscribe_by_wa_id(
    *, account_id: int, wa_ids: Sequence[str], at: dt.datetime | None = None
) -> int:
    """Unsubscribe the contacts who sent STOP on WhatsApp from these ``wa_id``s."""
    return contacts_unsubscribe_by_reply(
        account_id=account_id, channel="whatsapp", addresses=wa_ids, at=at
    )


def contacts_unsubscribe_by_sms(
    *, account_id: int, phones: Sequence[str], at: dt.datetime | None = None
) -> int:
    """Unsubscribe the contacts who sent STOP by SMS from these numbers."""
    return contacts_unsubscribe_by_reply(
        account_id=account_id, channel="sms", addresses=phones, at=at
    )
