"""A recipient's states, grouped the way the pipeline's steps ask about them.

``Recipient.Status`` names the states; this module says what they mean to the send path:
which are due, which a batch may claim, which keep a run open, which count as sent, and how
far along a message is (its rank), so that a provider's status only ever moves it forward.
Every step imports its groups from here rather than spelling out its own tuple.
"""

from __future__ import annotations

from delivery.models import Recipient

S = Recipient.Status

DUE = (S.PENDING, S.RETRY_SCHEDULED)  # waiting for their send time
CLAIMABLE = (S.QUEUED, S.RETRY_SCHEDULED)  # a batch task may take them
IN_FLIGHT = (S.QUEUED, S.SENDING)  # handed to a task, not yet answered
OPEN = (S.PENDING, S.QUEUED, S.SENDING, S.RETRY_SCHEDULED)  # the run is not over
SENT_LIKE = (S.SENT, S.DELIVERED, S.READ)  # the provider accepted the message
CANCELLABLE = (S.PENDING, S.RETRY_SCHEDULED, S.QUEUED)  # skipped when a campaign is cancelled

# How far a message got. Failed and skipped have no rank: they are final.
RANK: dict[str, int] = {
    S.PENDING: 0,
    S.QUEUED: 0,
    S.SENDING: 0,
    S.RETRY_SCHEDULED: 0,
    S.UNCERTAIN: 0,
    S.SENT: 1,
    S.DELIVERED: 2,
    S.READ: 3,
}


def status_may_move(current: str, new: str) -> bool:
    """Whether a provider's ``new`` status moves a recipient that is ``current``.

    Forward only: sent < delivered < read. ``failed`` is reachable from anything below read.
    Failed and skipped recipients never move again; a repeat changes nothing.
    """
    rank = RANK.get(current)
    if rank is None:
        return False
    if new == S.FAILED:
        return rank < RANK[S.READ]
    return RANK.get(new, -1) > rank
