"""The batch pipeline against a WhatsApp-compatible server on 127.0.0.1: sends, retries,
permanent failures, auth failure pause, pause / resume / cancel, the sweeper."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.utils import timezone

from analytics.models import Event
from campaigns.models import Campaign
from core.errors import Conflict
from delivery import control, dispatch, prepare, send, tasks
from delivery.models import CampaignError, Recipient, SendBatch
from tests.delivery.helpers import drain, running_campaign, statuses
from tests.factories import CampaignFactory, ContactFactory, VariantFactory
from tests.messaging.provider_server import whatsapp_error

pytestmark = pytest.mark.django_db
S = Recipient.Status


def sent_per_recipient(provider) -> Counter:
    return Counter(r.callback_data for r in provider.requests)


def test_a_campaign_is_sent_in_batches_with_results_written_in_bulk(
    account, wa_sender, provider, settings
):
    # given a running campaign of 25 recipients and batches of 10
    settings.CAMPAIGNS_BATCH_SIZE = 10
    campaign = running_campaign(account, wa_sender, 25)

    # when the pipeline runs
    queued = dispatch.dispatch_due(campaign_id=campaign.pk)
    assert queued == 25
    assert SendBatch.objects.filter(campaign=campaign).count() == 3
    drain(campaign)

    # then everyone got exactly one message, rendered for them, and the campaign completed
    assert statuses(campaign) == {"sent": 25}
    assert set(sent_per_recipient(provider).values()) == {1}
    first = Recipient.objects.filter(campaign=campaign).select_related("contact").first()
    body = next(r.json for r in provider.requests if r.callback_data == f"recipient:{first.pk}")
    assert body["text"]["body"] == f"Hi {first.contact.first_name}, the sale is on!"
    assert body["to"] == first.contact.phone
    assert first.provider_message_id.startswith("wamid.")
    assert first.sent_at is not None
    assert campaign.total_sent == 25
    assert campaign.status == Campaign.Status.COMPLETED
    assert Event.objects.filter(campaign=campaign, type="sent").count() == 25


def test_the_hot_loop_does_not_query_per_recipient(account, wa_sender, provider, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given two batches, of 6 and of 60 recipients
    settings.CAMPAIGNS_BATCH_SIZE = 100

    def queries_to_send(n: int) -> int:
        campaign = running_campaign(account, wa_sender, n)
        dispatch.dispatch_due(campaign_id=campaign.pk)
        batch = SendBatch.objects.get(campaign=campaign)
        with CaptureQueriesContext(connection) as queries:
            assert send.batch_send(batch_id=batch.pk) == n
        return len(queries)

    # then sending ten times as many recipients takes the same number of queries (each after
    # another campaign of the sender, so both check WhatsApp's pair rate against it)
    queries_to_send(1)
    small, large = queries_to_send(6), queries_to_send(60)
    assert small == large
    assert large <= 27  # 25, and 2 for the analytics rollups (who the events are of; upsert)


def test_transient_errors_are_retried_with_backoff_then_sent(
    account, wa_sender, provider, fast_retries
):
    # given a provider that answers 503 to the first three requests
    campaign = running_campaign(account, wa_sender, 5)
    for _ in range(3):
        provider.queue_response(503, {"error": {"message": "Service unavailable", "code": 2}})

    # when the campaign is sent
    drain(campaign)

    # then every recipient ends sent, three of them after a second attempt
    assert statuses(campaign) == {"sent": 5}
    attempts = sorted(
        Recipient.objects.filter(campaign=campaign).values_list("attempts", flat=True)
    )
    assert attempts == [1, 1, 2, 2, 2]
    # and the error log counts the failures by type with the last message
    log = CampaignError.objects.get(campaign=campaign)
    assert (log.count, log.message) == (3, "Service unavailable")


def test_a_recipient_fails_after_the_last_attempt_with_its_reason(
    account, wa_sender, provider, fast_retries
):
    # given a provider that is always down
    provider.respond_with = (503, {"error": {"message": "Service unavailable", "code": 2}})
    campaign = running_campaign(account, wa_sender, 4)

    drain(campaign)

    # then each recipient tried 3 times (the limit) and failed with the reason
    rows = list(Recipient.objects.filter(campaign=campaign))
    assert {r.status for r in rows} == {S.FAILED}
    assert {r.attempts for r in rows} == {3}
    assert rows[0].error_message == "Gave up after 3 attempts: Service unavailable"
    assert len(provider.requests) == 12
    assert CampaignError.objects.get(campaign=campaign).count == 12
    campaign.refresh_from_db()
    assert campaign.total_failed == 4
    assert campaign.status == Campaign.Status.COMPLETED
    assert Event.objects.filter(campaign=campaign, type="failed").count() == 4


@pytest.mark.django_db(transaction=True)  # the throttle penalty is written from adapter threads
def test_long_backoffs_wait_for_the_tick(account, wa_sender, provider, settings):
    # given retries longer than a batch task waits inline
    settings.CAMPAIGNS_RETRY_BASE_SECONDS = 60
    settings.CAMPAIGNS_RETRY_CAP_SECONDS = 60
    settings.CAMPAIGNS_RETRY_INLINE_SECONDS = 0
    campaign = running_campaign(account, wa_sender, 3)
    provider.queue_response(429, whatsapp_error(130429))

    drain(campaign)

    # then the throttled recipient waits as retry_scheduled, within the backoff window
    retry = Recipient.objects.get(campaign=campaign, status=S.RETRY_SCHEDULED)
    assert timezone.now() <= retry.send_at <= timezone.now() + dt.timedelta(seconds=61)
    assert statuses(campaign) == {"sent": 2, "retry_scheduled": 1}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING  # not done yet

    # when the tick runs after the backoff
    with time_machine.travel(retry.send_at + dt.timedelta(seconds=1), tick=False):
        assert dispatch.tick() == 1
    drain(campaign)

    # then it is sent and the campaign completes
    assert statuses(campaign) == {"sent": 3}
    assert campaign.status == Campaign.Status.COMPLETED
    assert CampaignError.objects.get(campaign=campaign).error_type == "throttled"


def test_permanent_errors_fail_at_once(account, wa_sender, provider, fast_retries):
    # given one contact whose number the provider rejects
    campaign = running_campaign(account, wa_sender, 3)
    bad = Recipient.objects.filter(campaign=campaign).select_related("contact").first()
    provider.errors_for[bad.contact.phone] = (400, whatsapp_error(131026))

    drain(campaign)

    bad.refresh_from_db()
    assert (bad.status, bad.attempts, bad.error_code) == (S.FAILED, 1, "131026")
    assert bad.error_message == "Message undeliverable"
    assert statuses(campaign) == {"sent": 2, "failed": 1}
    log = CampaignError.objects.get(campaign=campaign)
    assert (log.error_type, log.count) == ("131026", 1)


def test_an_auth_failure_pauses_the_campaign_and_keeps_the_audience(
    account, wa_sender, provider, settings, django_capture_on_commit_callbacks
):
    # given a sender whose token the provider rejects
    settings.CAMPAIGNS_BATCH_SIZE = 5
    provider.respond_with = (401, whatsapp_error(190))
    campaign = running_campaign(account, wa_sender, 12)

    # when the pipeline runs
    drain(campaign)

    # then the campaign paused itself and says why, naming the sender
    assert campaign.status == Campaign.Status.PAUSED
    assert "Shop number" in campaign.status_reason
    assert "Invalid OAuth access token" in campaign.status_reason
    # and nobody was burnt: every recipient waits, none failed, and only one chunk was tried
    assert statuses(campaign) == {"queued": 12}
    assert set(Recipient.objects.filter(campaign=campaign).values_list("attempts", flat=True)) == {
        0
    }
    assert len(provider.requests) == 5
    assert CampaignError.objects.get(campaign=campaign).error_type == "auth_failed"

    # when the credentials are fixed and the campaign resumed
    provider.respond_with = None
    with django_capture_on_commit_callbacks(execute=True):
        control.campaign_resume(campaign=campaign)
    drain(campaign)

    # then everyone is sent once
    assert statuses(campaign) == {"sent": 12}
    ok = [r for r in provider.requests if r.status == 200]
    assert set(Counter(r.callback_data for r in ok).values()) == {1}


def test_pause_stops_claiming_and_resume_never_resends(
    account, wa_sender, provider, settings, django_capture_on_commit_callbacks
):
    # given a campaign of 30 in batches of 10, one batch already sent
    settings.CAMPAIGNS_BATCH_SIZE = 10
    campaign = running_campaign(account, wa_sender, 30)
    dispatch.dispatch_due(campaign_id=campaign.pk)
    first, *rest = SendBatch.objects.filter(campaign=campaign).order_by("pk")
    send.batch_send(batch_id=first.pk)

    # when it is paused, the other batch tasks claim nothing
    control.campaign_pause(campaign=campaign)
    for batch in rest:
        tasks.batch_send(batch.pk)
    assert len(provider.requests) == 10
    assert statuses(campaign) == {"sent": 10, "queued": 20}

    # and when it is resumed, the rest goes out and nobody gets a second message
    with django_capture_on_commit_callbacks(execute=True):
        control.campaign_resume(campaign=campaign)
    drain(campaign)
    assert statuses(campaign) == {"sent": 30}
    assert len(provider.requests) == 30
    assert set(sent_per_recipient(provider).values()) == {1}
    assert campaign.status == Campaign.Status.COMPLETED
    assert campaign.total_sent == 30


def test_cancel_skips_whoever_was_not_sent(account, wa_sender, provider, settings):
    settings.CAMPAIGNS_BATCH_SIZE = 10
    campaign = running_campaign(account, wa_sender, 25)
    dispatch.dispatch_due(campaign_id=campaign.pk)
    send.batch_send(batch_id=SendBatch.objects.filter(campaign=campaign).first().pk)

    control.campaign_cancel(campaign=campaign)

    campaign.refresh_from_db()
    assert (campaign.status, campaign.status_reason) == (Campaign.Status.COMPLETED, "cancelled")
    assert statuses(campaign) == {"sent": 10, "skipped": 15}
    drain(campaign)
    assert len(provider.requests) == 10
    with pytest.raises(Conflict):
        control.campaign_cancel(campaign=campaign)


def test_expired_claims_become_uncertain_and_are_not_resent(account, wa_sender, provider):
    # given a batch claimed by a worker that then died
    campaign = running_campaign(account, wa_sender, 4)
    dispatch.dispatch_due(campaign_id=campaign.pk)
    batch = SendBatch.objects.get(campaign=campaign)
    claimed = send.recipients_claim(batch_id=batch.pk, limit=3)
    assert len(claimed) == 3

    # when the sweeper runs after the lease ended and after the batch went stale
    later = timezone.now() + dt.timedelta(seconds=3600)
    with time_machine.travel(later, tick=False):
        result = dispatch.sweep()

    # then the three are uncertain, the fourth is re-enqueued and sent, the three never again
    assert result["uncertain"] == 3
    assert result["requeued"] == 1
    drain(campaign)
    assert statuses(campaign) == {"uncertain": 3, "sent": 1}
    assert len(provider.requests) == 1
    assert campaign.status == Campaign.Status.COMPLETED


def test_claims_are_exclusive(account, wa_sender):
    campaign = running_campaign(account, wa_sender, 10)
    dispatch.dispatch_due(campaign_id=campaign.pk)
    batch = SendBatch.objects.get(campaign=campaign)
    first = send.recipients_claim(batch_id=batch.pk, limit=6)
    second = send.recipients_claim(batch_id=batch.pk)
    third = send.recipients_claim(batch_id=batch.pk)
    assert len(first) == 6
    assert len(second) == 4
    assert third == []
    assert not {r.pk for r in first} & {r.pk for r in second}


def test_ab_variants_split_by_id_and_send_their_own_message(
    account, wa_sender, provider, django_capture_on_commit_callbacks
):
    # given an A/B campaign 50/50 with 40 contacts
    campaign = CampaignFactory(
        account=account, sender=wa_sender, type=Campaign.Type.AB_TEST, ab_enabled=True
    )
    VariantFactory(
        campaign=campaign, key="A", message={"type": "text", "content": "A {{first_name}}"}
    )
    VariantFactory(
        campaign=campaign, key="B", message={"type": "text", "content": "B {{first_name}}"}
    )
    for _ in range(40):
        ContactFactory(account=account)

    # when it is published and its tasks run
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        control.campaign_publish(campaign=campaign)
    assert len(callbacks) == 1
    assert prepare.campaign_prepare(campaign_id=campaign.pk) == 40
    campaign.refresh_from_db()
    drain(campaign)

    # then each recipient got its variant's text, split by id modulo 100
    rows = Recipient.objects.filter(campaign=campaign).select_related("variant")
    for r in rows:
        assert r.variant.key == ("A" if r.pk % 100 < 50 else "B")
    texts = Counter(r.json["text"]["body"].split()[0] for r in provider.requests)
    assert sum(texts.values()) == 40
    assert texts == Counter(r.variant.key for r in rows)
    assert campaign.total_recipients == 40
    assert campaign.status == Campaign.Status.COMPLETED


def test_a_recurring_broadcast_schedules_its_next_run_then_sends_it_again(
    account, wa_sender, provider, django_capture_on_commit_callbacks
):
    from django_q.models import Schedule

    # given a daily broadcast at 09:00 UTC whose first run has just been sent
    start = timezone.now() - dt.timedelta(hours=1)
    campaign = running_campaign(
        account,
        wa_sender,
        3,
        frequency=Campaign.Frequency.DAILY,
        delivery_time=dt.time(9, 0),
        start_date=start,
        timezone="UTC",
        end_date=start + dt.timedelta(days=3),
    )
    drain(campaign)

    # then it stays running with a Schedule for the next 09:00
    assert campaign.status == Campaign.Status.RUNNING
    row = Schedule.objects.get(name=f"campaign-{campaign.pk}-run")
    assert row.next_run > timezone.now()
    assert (row.next_run.hour, row.next_run.minute) == (9, 0)

    # when the next run comes, the audience is materialised again and sent again
    with django_capture_on_commit_callbacks(execute=False):
        tasks.campaign_run(campaign.pk)
    assert Recipient.objects.filter(campaign=campaign).count() == 0
    assert prepare.campaign_prepare(campaign_id=campaign.pk) == 3
    drain(campaign)
    assert len(provider.requests) == 6
    assert Event.objects.filter(campaign=campaign, type="sent").count() == 6
    campaign.refresh_from_db()
    assert campaign.run_count == 1  # the first run was materialised by the test itself
    assert campaign.total_sent == 6


def test_a_batch_lost_whole_in_a_crash_stops_counting_as_open(account, wa_sender, settings):
    # given a batch whose every recipient was claimed by a worker that died
    settings.CAMPAIGNS_BATCH_SIZE = 5
    campaign = running_campaign(account, wa_sender, 5)
    dispatch.dispatch_due(campaign_id=campaign.pk)
    batch = SendBatch.objects.get(campaign=campaign)
    assert len(send.recipients_claim(batch_id=batch.pk)) == 5

    # when the sweeper runs after the lease
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1), tick=False):
        dispatch.sweep()

    # then the batch is closed and the campaign is complete with five uncertain recipients
    batch.refresh_from_db()
    campaign.refresh_from_db()
    assert batch.status == SendBatch.Status.DONE
    assert statuses(campaign) == {"uncertain": 5}
    assert campaign.status == Campaign.Status.COMPLETED


def test_the_sandbox_sender_records_every_message(account):
    from messaging.models import SandboxMessage
    from tests.factories import SenderFactory

    # given a campaign on the default sandbox sender
    campaign = running_campaign(account, SenderFactory(account=account), 7)

    drain(campaign)

    assert statuses(campaign) == {"sent": 7}
    assert SandboxMessage.objects.count() == 7
    assert campaign.status == Campaign.Status.COMPLETED
