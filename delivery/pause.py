"""Pausing a campaign. It makes no message leave, so it needs no send guard, and it sits below
the facade (``delivery.control`` offers it too): the pipeline pauses a campaign itself when the
provider refuses its sender's account, without going back up through the facade.
"""

from __future__ import annotations

from django.db import transaction

from campaigns.lifecycle import Action, Actor
from campaigns.models import Campaign
from campaigns.services import transitions
from delivery import schedules


@transaction.atomic
def campaign_pause(*, campaign: Campaign, actor: Actor = None, reason: str = "") -> Campaign:
    """Stop claiming; a scheduled campaign's start is taken off the calendar until resumed."""
    transitions.move(campaign, action=Action.PAUSE, actor=actor, reason=reason)
    schedules.run_schedule_delete(campaign=campaign)
    return campaign
