"""The campaign lifecycle as a state machine: one table that says which action moves which state
where. Pure: it reads a campaign's fields and answers, and writes nothing.

The table is keyed by a campaign's *state*, which is its status except while it is paused: a
paused campaign remembers what it was paused from (``paused_from``), because resume must return
it there. A paused scheduled campaign is scheduled again at its start time; it is never started
early. Applying a move (lock, save, record in the history) is ``campaigns.services.transitions``;
whether messages may leave, and starting or stopping the pipeline, is ``delivery.control``'s.
"""

from enum import StrEnum
from typing import Any

from campaigns.error_codes import CampaignErrorCode
from campaigns.models import Campaign
from core.errors import Conflict

# Who made a move: a user, an AnonymousUser (pages), or None (the system). ``record`` keeps
# only an authenticated user.
Actor = Any

Status = Campaign.Status


class State(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED_SCHEDULED = "paused-scheduled"
    PAUSED_RUNNING = "paused-running"
    COMPLETED = "completed"
    FAILED = "failed"


class Action(StrEnum):
    SCHEDULE = "schedule"  # publish with a start in the future
    START = "start"  # publish to send now
    BEGIN = "begin"  # a scheduled start: the Schedule fired, or "send now" was chosen
    PAUSE = "pause"
    RESUME = "resume"
    UNSCHEDULE = "unschedule"  # back to draft, to change it or pick another time
    CANCEL = "cancel"  # stop sending for good; whoever was not sent is skipped
    COMPLETE = "complete"
    FAIL = "fail"


TABLE: dict[State, dict[Action, str]] = {
    State.DRAFT: {Action.SCHEDULE: Status.SCHEDULED, Action.START: Status.RUNNING},
    State.SCHEDULED: {
        Action.BEGIN: Status.RUNNING,
        Action.PAUSE: Status.PAUSED,
        Action.UNSCHEDULE: Status.DRAFT,
        Action.FAIL: Status.FAILED,
    },
    State.RUNNING: {
        Action.PAUSE: Status.PAUSED,
        Action.CANCEL: Status.COMPLETED,
        Action.COMPLETE: Status.COMPLETED,
        Action.FAIL: Status.FAILED,
    },
    State.PAUSED_SCHEDULED: {
        Action.RESUME: Status.SCHEDULED,
        Action.BEGIN: Status.RUNNING,
        Action.UNSCHEDULE: Status.DRAFT,
        Action.FAIL: Status.FAILED,
    },
    State.PAUSED_RUNNING: {
        Action.RESUME: Status.RUNNING,
        Action.CANCEL: Status.COMPLETED,
        Action.FAIL: Status.FAILED,
    },
    State.COMPLETED: {},
    State.FAILED: {},
}

# Statuses whose campaign may be edited; everything else is locked while it sends or after.
EDITABLE = frozenset({Status.DRAFT})
# A campaign that may be sending right now cannot be deleted; pause or finish it first.
DELETABLE = frozenset(
    {Status.DRAFT, Status.SCHEDULED, Status.PAUSED, Status.COMPLETED, Status.FAILED}
)

_DESCRIBED = {
    State.PAUSED_SCHEDULED: "paused scheduled",
    State.PAUSED_RUNNING: "paused",
}


class TransitionError(Conflict):
    code = CampaignErrorCode.INVALID_TRANSITION


def state_of(campaign: Campaign) -> State:
    if campaign.status == Status.PAUSED:
        return (
            State.PAUSED_SCHEDULED
            if campaign.paused_from == Status.SCHEDULED
            else State.PAUSED_RUNNING
        )
    return State(campaign.status)


def describe(state: State) -> str:
    return _DESCRIBED.get(state, state.value)


def allows(campaign: Campaign, action: Action) -> bool:
    return not campaign.is_deleted and action in TABLE[state_of(campaign)]


def require(campaign: Campaign, action: Action) -> str:
    """The status ``action`` moves ``campaign`` to, or a ``TransitionError`` saying why not."""
    state = state_of(campaign)
    target = TABLE[state].get(action)
    if target is None:
        possible = ", ".join(a.value for a in TABLE[state]) or "nothing: it is final"
        raise TransitionError(
            f"A {describe(state)} campaign cannot {action.value} (it can: {possible}).",
            extra={"status": campaign.status, "action": action.value},
        )
    return target


def require_editable(campaign: Campaign) -> None:
    if campaign.is_deleted:
        raise Conflict("This campaign is deleted; restore it before changing it.")
    if campaign.status not in EDITABLE:
        raise Conflict(
            f"Only draft campaigns can be edited; this one is "
            f"{Status(campaign.status).label.lower()}.",
            code=CampaignErrorCode.NOT_EDITABLE,
        )
