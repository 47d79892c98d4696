"""Every (state, action, type): where the campaign ends up and who got a message.

The expectations below are written out by hand from the product's rules, not read from the
lifecycle table, so a wrong table fails here. Each case runs the real pipeline inline against
the sandbox provider. The table's own refusals and the transitions that apply it are in
tests/campaigns/test_lifecycle.py.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import Campaign
from campaigns.services import transitions
from core.errors import ApplicationError, Conflict, ValidationFailed
from delivery import control, schedules
from delivery.models import Recipient
from tests.campaigns.world import (
    SENDABLE,
    STATES,
    TYPES,
    audience,
    campaign_of,
    put_in_state,
    sent_to,
)
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
Status = Campaign.Status

ACTIONS = {
    "publish": lambda c: control.campaign_publish(campaign=c),
    "send_now": lambda c: control.campaign_send_now(campaign=c),
    "pause": lambda c: control.campaign_pause(campaign=c),
    "resume": lambda c: control.campaign_resume(campaign=c),
    "unschedule": lambda c: control.campaign_unschedule(campaign=c),
    "cancel": lambda c: control.campaign_cancel(campaign=c),
    "fired": lambda c: control.schedule_fired(campaign_id=c.pk),
}

# (state, action) → (status after, paused_from after, messages go out). Anything not listed
# is refused and changes nothing, except that a Schedule firing on a campaign that is not
# scheduled does nothing at all. A move that sends goes to running, and the inline pipeline
# then sends everyone and completes it.
MOVES = {
    ("draft", "publish"): (Status.COMPLETED, "", True),
    ("draft", "send_now"): (Status.COMPLETED, "", True),
    ("scheduled", "send_now"): (Status.COMPLETED, "", True),
    ("scheduled", "pause"): (Status.PAUSED, Status.SCHEDULED, False),
    ("scheduled", "unschedule"): (Status.DRAFT, "", False),
    ("scheduled", "fired"): (Status.COMPLETED, "", True),
    ("running", "pause"): (Status.PAUSED, Status.RUNNING, False),
    ("running", "cancel"): (Status.COMPLETED, "", False),
    ("paused-scheduled", "send_now"): (Status.COMPLETED, "", True),
    ("paused-scheduled", "resume"): (Status.SCHEDULED, "", False),
    ("paused-scheduled", "unschedule"): (Status.DRAFT, "", False),
    ("paused-running", "resume"): (Status.COMPLETED, "", True),
    ("paused-running", "cancel"): (Status.COMPLETED, "", False),
}


def expected(state: str, action: str, kind: str):
    """What must happen; ``None`` for a refusal."""
    move = MOVES.get((state, action))
    if move is None:
        return "unchanged" if action == "fired" else None
    if kind in SENDABLE:
        return move
    # A type the pipeline cannot send: every path towards a send is refused, and a start that
    # comes anyway is held with the reason.
    if (state, action) == ("scheduled", "fired"):
        return (Status.PAUSED, Status.SCHEDULED, False)
    if action in ("publish", "send_now", "resume"):
        return None
    return move


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("state", STATES)
def test_every_state_action_and_type(account, inline_pipeline, state, action, kind):
    # given a complete campaign of this type in this state, and an audience of 3 (+1 opted out)
    phones = audience(account)
    campaign = put_in_state(campaign_of(account, kind), state)
    before = (campaign.status, campaign.paused_from)
    want = expected(state, action, kind)

    # when the action is taken through the one control facade
    if want is None:
        with pytest.raises(ApplicationError) as info:
            inline_pipeline(lambda: ACTIONS[action](campaign))
        assert info.value.status_code in (409, 422)
    else:
        inline_pipeline(lambda: ACTIONS[action](campaign))

    # then the campaign is where the rules say, and only the intended people got a message
    campaign.refresh_from_db()
    if want in (None, "unchanged"):
        assert (campaign.status, campaign.paused_from) == before
        assert sent_to(account) == []
        return
    status, paused_from, sends = want
    assert (campaign.status, campaign.paused_from) == (status, paused_from)
    if sends:
        assert sorted(sent_to(account)) == sorted(phones)
    else:
        assert sent_to(account) == []
    schedule = Schedule.objects.filter(name=schedules.RUN_SCHEDULE.format(id=campaign.pk))
    if status == Status.SCHEDULED:
        assert schedule.get().next_run == campaign.start_date
    elif status in (Status.PAUSED, Status.DRAFT):
        assert not schedule.exists()


def test_pause_and_resume_of_a_scheduled_campaign_sends_at_its_start_not_before(
    account, inline_pipeline
):
    # given a broadcast scheduled for tomorrow 10:00
    phones = audience(account)
    start = (timezone.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0)
    campaign = CampaignFactory(account=account, send_now=False, start_date=start)
    inline_pipeline(lambda: control.campaign_publish(campaign=campaign))
    assert campaign.status == Status.SCHEDULED

    # when it is paused and resumed
    inline_pipeline(lambda: control.campaign_pause(campaign=campaign))
    inline_pipeline(lambda: control.campaign_resume(campaign=campaign))

    # then nothing went out; it waits for tomorrow 10:00 again
    campaign.refresh_from_db()
    assert campaign.status == Status.SCHEDULED
    assert sent_to(account) == []
    assert not Recipient.objects.filter(campaign=campaign).exists()
    row = Schedule.objects.get(name=schedules.RUN_SCHEDULE.format(id=campaign.pk))
    assert row.next_run == start

    # and when its Schedule fires at 10:00, the audience gets it once
    inline_pipeline(lambda: control.schedule_fired(campaign_id=campaign.pk))
    assert sorted(sent_to(account)) == sorted(phones)


def test_a_start_that_passed_during_the_pause_waits_for_a_decision(account, inline_pipeline):
    # given a campaign paused before its start, whose start has since passed
    phones = audience(account)
    campaign = put_in_state(campaign_of(account, "broadcast"), "paused-scheduled")
    Campaign.objects.filter(pk=campaign.pk).update(start_date=timezone.now() - timedelta(hours=1))
    campaign.refresh_from_db()

    # when it is resumed, it says so and sends nothing
    with pytest.raises(control.StartPassed) as info:
        inline_pipeline(lambda: control.campaign_resume(campaign=campaign))
    assert "passed while it was paused" in info.value.message
    assert "Send it now, or move it back to draft" in info.value.message
    campaign.refresh_from_db()
    assert (campaign.status, campaign.paused_from) == (Status.PAUSED, Status.SCHEDULED)
    assert sent_to(account) == []

    # then "send now" is the decision that sends it
    inline_pipeline(lambda: control.campaign_send_now(campaign=campaign))
    assert sorted(sent_to(account)) == sorted(phones)


def test_a_scheduled_start_that_can_no_longer_send_is_held_with_the_reason(
    account, inline_pipeline
):
    # given a scheduled broadcast whose sender was disabled since
    audience(account)
    campaign = put_in_state(campaign_of(account, "broadcast"), "scheduled")
    campaign.sender.is_active = False
    campaign.sender.save(update_fields=["is_active"])

    # when its start comes
    inline_pipeline(lambda: control.schedule_fired(campaign_id=campaign.pk))

    # then it is paused with the reason, and nobody got a message
    campaign.refresh_from_db()
    assert (campaign.status, campaign.paused_from) == (Status.PAUSED, Status.SCHEDULED)
    assert campaign.status_reason.startswith("Not sent at its start time:")
    assert "disabled" in campaign.status_reason
    assert sent_to(account) == []


@pytest.mark.parametrize("kind", ["drip", "automation"])
def test_a_running_journey_left_by_old_data_is_paused_not_broadcast(account, inline_pipeline, kind):
    # given a drip or automation left "running" by data written around the guard
    audience(account)
    campaign = put_in_state(campaign_of(account, kind), "running")
    Campaign.objects.filter(pk=campaign.pk).update(updated_at=timezone.now() - timedelta(hours=1))

    # when the pipeline's tick finds it
    from delivery import dispatch

    inline_pipeline(lambda: dispatch.tick())

    # then it is paused with the reason, and no recipient was made or sent
    campaign.refresh_from_db()
    assert campaign.status == Status.PAUSED
    assert "not available yet" in campaign.status_reason
    assert not Recipient.objects.filter(campaign=campaign).exists()
    assert sent_to(account) == []


def test_publishing_an_empty_audience_is_refused_with_a_clear_message(account):
    # given a complete campaign whose audience holds only an unsubscribed contact
    campaign = campaign_of(account, "broadcast")
    from tests.factories import ContactFactory

    ContactFactory(account=account, subscribed=False)

    # when it is published, it is refused and stays a draft
    with pytest.raises(ValidationFailed) as info:
        control.campaign_publish(campaign=campaign)
    problems = info.value.extra["problems"]
    assert [p["field"] for p in problems] == ["audience"]
    assert "Nobody is in this audience" in problems[0]["message"]
    assert Campaign.objects.get(pk=campaign.pk).status == Status.DRAFT


def test_deleted_campaign_cannot_be_published():
    campaign = CampaignFactory()
    transitions.campaign_delete(campaign=campaign)
    with pytest.raises(Conflict):
        control.campaign_publish(campaign=campaign)


def test_publish_refuses_invalid_campaign_and_changes_nothing():
    campaign = CampaignFactory(sender=None, message_content="")
    with pytest.raises(ValidationFailed) as info:
        control.campaign_publish(campaign=campaign)
    fields = {p["field"] for p in info.value.extra["problems"]}
    assert {"phoneNumberId", "message.content"} <= fields
    assert Campaign.objects.get(pk=campaign.pk).status == Status.DRAFT


def test_a_scheduled_audience_that_emptied_completes_at_its_start_and_says_why(
    account, inline_pipeline
):
    # given a scheduled broadcast whose only contact unsubscribed before the start
    (phone,) = audience(account, n=1)
    campaign = put_in_state(campaign_of(account, "broadcast"), "scheduled")
    from audience.models import Contact

    Contact.objects.filter(phone=phone).update(subscribed=False)

    # when its start comes, nobody is sent anything and the campaign says why it is done
    inline_pipeline(lambda: control.schedule_fired(campaign_id=campaign.pk))
    campaign.refresh_from_db()
    assert campaign.status == Status.COMPLETED
    assert campaign.status_reason == "Nobody was in the audience when it started."
    assert sent_to(account) == []
