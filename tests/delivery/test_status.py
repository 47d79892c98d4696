"""status_apply: statuses never move a recipient backwards and a repeat counts once."""

import datetime as dt

from analytics.models import Event
from campaigns.models import Campaign
from delivery.models import CampaignError, Recipient
from delivery.status import status_apply
from messaging.statuses import StatusUpdate
from tests.factories import CampaignFactory, SenderFactory, make_recipients

T0 = 1750263773


def _update(mid, state, ts=T0, **kw):
    return StatusUpdate(provider_message_id=mid, status=state, timestamp=ts, **kw)


def test_delivered_then_read_sets_times_events_and_counters(whatsapp_campaign):
    # given
    [r] = make_recipients(whatsapp_campaign, 1)
    # when
    result = status_apply(
        updates=[_update("wamid.test.0", "delivered"), _update("wamid.test.0", "read", T0 + 60)]
    )
    # then
    assert result.applied == 2
    r.refresh_from_db()
    assert r.status == Recipient.Status.READ
    assert r.delivered_at == dt.datetime.fromtimestamp(T0, tz=dt.UTC)
    assert r.read_at == dt.datetime.fromtimestamp(T0 + 60, tz=dt.UTC)
    campaign = Campaign.objects.get(pk=whatsapp_campaign.pk)
    assert (campaign.total_delivered, campaign.total_opened) == (1, 1)
    assert sorted(Event.objects.filter(recipient=r).values_list("type", flat=True)) == [
        "delivered",
        "read",
    ]


def test_out_of_order_and_repeated_statuses(whatsapp_campaign):
    # given
    [r] = make_recipients(whatsapp_campaign, 1)
    status_apply(updates=[_update("wamid.test.0", "read", T0 + 60)])
    # when: a late delivered, a repeated read and a stale sent arrive afterwards
    result = status_apply(
        updates=[
            _update("wamid.test.0", "delivered", T0),
            _update("wamid.test.0", "read", T0 + 60),
            _update("wamid.test.0", "sent", T0 - 5),
        ]
    )
    # then
    assert result.applied == 0
    assert result.ignored == 3
    r.refresh_from_db()
    assert r.status == Recipient.Status.READ
    campaign = Campaign.objects.get(pk=whatsapp_campaign.pk)
    assert (campaign.total_delivered, campaign.total_opened) == (1, 1)
    # read implied delivered once; nothing counted twice
    assert Event.objects.filter(recipient=r, type="delivered").count() == 1
    assert Event.objects.filter(recipient=r, type="read").count() == 1


def test_failed_counts_and_logs_the_error_type(whatsapp_campaign):
    # given
    recipients = make_recipients(whatsapp_campaign, 3)
    updates = [
        _update(
            f"wamid.test.{i}",
            "failed",
            error_code="131026",
            error_title="Message undeliverable",
            error_details=f"Unable to deliver ({i}).",
        )
        for i in range(3)
    ]
    # when
    status_apply(updates=updates)
    status_apply(updates=updates[:1])  # a repeat
    # then
    for r in recipients:
        r.refresh_from_db()
        assert r.status == Recipient.Status.FAILED
        assert r.error_code == "131026"
    campaign = Campaign.objects.get(pk=whatsapp_campaign.pk)
    assert campaign.total_failed == 3
    error = CampaignError.objects.get(campaign=campaign)
    assert (error.error_type, error.count) == ("131026", 3)
    assert error.message == "Unable to deliver (2)."


def test_failed_after_read_is_ignored_and_read_after_failed_too(whatsapp_campaign):
    a, b = make_recipients(whatsapp_campaign, 2)
    status_apply(updates=[_update("wamid.test.0", "read"), _update("wamid.test.1", "failed")])
    status_apply(updates=[_update("wamid.test.0", "failed"), _update("wamid.test.1", "read")])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("read", "failed")


def test_failed_after_delivered_takes_it_out_of_the_delivered_count(whatsapp_campaign):
    make_recipients(whatsapp_campaign, 1)
    status_apply(updates=[_update("wamid.test.0", "delivered")])
    status_apply(updates=[_update("wamid.test.0", "failed", error_code="131026")])
    campaign = Campaign.objects.get(pk=whatsapp_campaign.pk)
    assert (campaign.total_delivered, campaign.total_failed) == (0, 1)


def test_uncertain_recipient_is_reconciled_by_callback_id(whatsapp_campaign):
    # given: a worker died after the provider accepted the message, before we wrote its id
    [r] = make_recipients(whatsapp_campaign, 1, status=Recipient.Status.UNCERTAIN)
    # when
    status_apply(updates=[_update("wamid.late", "delivered", recipient_id=r.pk)])
    # then
    r.refresh_from_db()
    assert r.status == Recipient.Status.DELIVERED
    assert r.provider_message_id == "wamid.late"
    assert r.sent_at is not None
    campaign = Campaign.objects.get(pk=whatsapp_campaign.pk)
    assert (campaign.total_sent, campaign.total_delivered) == (1, 1)


def test_callback_id_does_not_override_a_known_other_message_id(whatsapp_campaign):
    [r] = make_recipients(whatsapp_campaign, 1)
    result = status_apply(updates=[_update("wamid.other", "read", recipient_id=r.pk)])
    assert result.unknown == 1
    r.refresh_from_db()
    assert r.status == Recipient.Status.SENT


def test_updates_are_limited_to_the_senders_campaigns(account, other_account, whatsapp_campaign):
    # given: another account's campaign holds a recipient with the same provider id
    theirs = CampaignFactory(
        account=other_account, sender=SenderFactory(account=other_account), status="running"
    )
    [mine] = make_recipients(whatsapp_campaign, 1)
    [other] = make_recipients(theirs, 1)
    # when
    status_apply(updates=[_update("wamid.test.0", "read", sender_id=whatsapp_campaign.sender_id)])
    # then
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, other.status) == ("read", "sent")


def test_batch_uses_a_fixed_number_of_queries(whatsapp_campaign, django_assert_max_num_queries):
    make_recipients(whatsapp_campaign, 40)
    updates = [_update(f"wamid.test.{i}", "delivered") for i in range(40)]
    updates += [_update(f"wamid.test.{i}", "failed", error_code="131026") for i in range(5)]
    # 12 for the recipients, events, counters and error log; 2 for the rollups
    with django_assert_max_num_queries(14):
        result = status_apply(updates=updates)
    assert result.applied == 45
