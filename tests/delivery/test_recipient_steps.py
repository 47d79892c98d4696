"""Recipients of journeys: one contact may get several messages of one campaign, one per step
of an enrollment, through the same pipeline as broadcasts, which keep their one message per
contact."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import Event
from analytics.rollups import rollup_by_variant
from audience import ports
from audience.models import Contact
from campaigns.models import Campaign
from core.events import EventType, NewEvent, events_record
from delivery import pacing
from delivery.models import Recipient, RecipientStatusCount
from delivery.prepare import recipients_materialise
from messaging.models import SandboxMessage
from tests.delivery.helpers import drain, running_campaign, statuses
from tests.factories import CampaignFactory, ContactFactory, SenderFactory, VariantFactory

pytestmark = pytest.mark.django_db
S = Recipient.Status


def _step(campaign, contact, key: str, *, enrollment: int = 1, **fields) -> Recipient:
    return Recipient.objects.create(
        account=campaign.account,
        campaign=campaign,
        contact=contact,
        enrollment_id=enrollment,
        step_key=key,
        **fields,
    )


def test_two_steps_of_one_contact_are_both_claimed_sent_and_counted(account, settings):
    # given a running campaign on the sandbox holding two steps of one enrollment of a contact
    settings.WHATSAPP_PAIR_GAP_SECONDS = 0.2
    campaign = running_campaign(account, SenderFactory(account=account), 0)
    contact = ContactFactory(account=account)
    welcome, reminder = _step(campaign, contact, "welcome"), _step(campaign, contact, "reminder")
    Campaign.objects.filter(pk=campaign.pk).update(total_recipients=2)

    # when the pipeline runs
    drain(campaign)

    # then both messages went to the contact, each counted once
    assert statuses(campaign) == {"sent": 2}
    sent = SandboxMessage.objects.filter(to=contact.phone)
    assert sorted(sent.values_list("recipient_id", flat=True)) == [welcome.pk, reminder.pk]
    assert campaign.total_sent == 2
    assert campaign.status == Campaign.Status.COMPLETED
    counts = RecipientStatusCount.objects.filter(campaign=campaign, n__gt=0)
    assert dict(counts.values_list("status", "n")) == {"sent": 2}
    assert Event.objects.filter(campaign=campaign, type="sent").count() == 2
    # and the second left at least the pair gap after the first
    first, second = sorted(sent.values_list("created_at", flat=True))
    assert second - first >= dt.timedelta(seconds=0.2)


def test_materialise_twice_inserts_nothing_the_second_time(account):
    # given a campaign whose audience is three contacts
    contacts = [ContactFactory(account=account) for _ in range(3)]
    campaign = CampaignFactory(account=account)

    # when it is materialised twice
    with CaptureQueriesContext(connection) as queries:
        first = recipients_materialise(campaign=campaign)
    again = recipients_materialise(campaign=campaign)

    # then the second run inserts nothing, on either path
    assert (first, again) == (3, 0)
    rows = Recipient.objects.filter(campaign=campaign)
    assert sorted(rows.values_list("contact_id", flat=True)) == sorted(c.pk for c in contacts)
    assert set(rows.values_list("enrollment_id", "step_key")) == {(None, "")}
    if connection.vendor == "postgresql":
        # PostgreSQL infers the partial broadcast key from its predicate only
        insert = next(q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"])
        assert 'ON CONFLICT ("campaign_id", "contact_id") WHERE "enrollment_id" IS NULL' in insert


def test_a_step_is_sent_once_per_enrollment(account):
    # given a journey message of one enrollment's step
    campaign = CampaignFactory(account=account)
    contact = ContactFactory(account=account)
    _step(campaign, contact, "welcome", enrollment=7)

    # when the same step of the same enrollment is inserted again
    # then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        _step(campaign, contact, "welcome", enrollment=7)
    # while another step, or the same step of another enrollment, is a message of its own
    _step(campaign, contact, "reminder", enrollment=7)
    _step(campaign, contact, "welcome", enrollment=8)
    assert Recipient.objects.filter(campaign=campaign, contact=contact).count() == 3


def test_a_broadcast_still_messages_each_contact_once(account):
    # given a broadcast recipient
    campaign = CampaignFactory(account=account)
    contact = ContactFactory(account=account)
    Recipient.objects.create(account=account, campaign=campaign, contact=contact)

    # when the contact is inserted again without an enrollment
    # then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        Recipient.objects.create(account=account, campaign=campaign, contact=contact)
    assert Recipient.objects.filter(campaign=campaign, contact=contact).count() == 1


def test_a_journeys_next_step_waits_out_the_pair_gap_after_its_last(
    account, wa_sender, provider, settings
):
    # given a journey whose first step has just reached a contact on WhatsApp
    settings.WHATSAPP_PAIR_GAP_SECONDS = 1.5
    campaign = running_campaign(account, wa_sender, 0)
    contact = ContactFactory(account=account)
    _step(campaign, contact, "welcome")
    drain(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
    second = _step(campaign, contact, "reminder")

    # when its next step is sent at once
    drain(campaign)

    # then it left at least the gap after the first, that attempt not counted
    assert statuses(campaign) == {"sent": 2}
    times = sorted(r.time for r in provider.requests if r.json["to"] == contact.phone)
    assert len(times) == 2
    assert times[1] - times[0] >= 1.5
    second.refresh_from_db()
    assert second.attempts == 1


def test_a_broadcast_is_not_held_by_its_own_campaign_and_costs_one_query(
    account, wa_sender, settings
):
    # given a campaign of a WhatsApp number that messaged a contact a second ago, as a step
    settings.WHATSAPP_PAIR_GAP_SECONDS = 6.0
    now = timezone.now()
    campaign = CampaignFactory(account=account, sender=wa_sender, status=Campaign.Status.RUNNING)
    contact = ContactFactory(account=account)
    sent = {"status": S.SENT, "sent_at": now - dt.timedelta(seconds=1)}
    _step(campaign, contact, "welcome", **sent)
    broadcast = Recipient.objects.create(
        account=account, campaign=campaign, contact=contact, status=S.SENDING
    )
    step = _step(campaign, contact, "reminder", status=S.SENDING)
    campaign = Campaign.objects.select_related("sender").get(pk=campaign.pk)

    # when the pair rate is checked for a broadcast chunk and for a journey chunk
    with CaptureQueriesContext(connection) as queries:
        broadcast_holds = pacing.pair_holds(campaign, [broadcast], now=now)
    step_holds = pacing.pair_holds(campaign, [step], now=now)

    # then the broadcast looks at other campaigns only, which the number has none of
    assert broadcast_holds == {}
    assert len(queries) == 1
    # and the journey's step waits for the rest of the gap after its own last message
    assert list(step_holds) == [step.pk]
    assert step_holds[step.pk] == pytest.approx(5.0)


def test_rollups_put_a_journey_message_s_step_where_a_variant_would_be(account):
    # given three sent messages: a journey step's, a variant's and a plain broadcast's
    journey, ab, plain = (CampaignFactory(account=account) for _ in range(3))
    step = _step(journey, ContactFactory(account=account), "welcome", status=S.SENT)
    variant = VariantFactory(campaign=ab, key="B")
    of_variant = Recipient.objects.create(
        account=account, campaign=ab, contact=ContactFactory(account=account), variant=variant
    )
    broadcast = Recipient.objects.create(
        account=account, campaign=plain, contact=ContactFactory(account=account)
    )

    # when their sends are recorded
    events_record(
        [
            NewEvent(
                account_id=account.pk,
                campaign_id=r.campaign_id,
                recipient_id=r.pk,
                contact_id=r.contact_id,
                type=EventType.SENT,
                occurred_at=timezone.now(),
            )
            for r in (step, of_variant, broadcast)
        ]
    )

    # then each is counted under its step, its variant, or no key
    assert rollup_by_variant(journey) == {"welcome": {"sent": 1}}
    assert rollup_by_variant(ab) == {"B": {"sent": 1}}
    assert rollup_by_variant(plain) == {"": {"sent": 1}}


def test_the_frequency_cap_can_leave_a_campaigns_own_messages_out(account):
    # given a journey that messaged two contacts an hour ago, one of them also by a broadcast
    now = timezone.now()
    journey, broadcast = CampaignFactory(account=account), CampaignFactory(account=account)
    only_journey, both, neither = (ContactFactory(account=account) for _ in range(3))
    an_hour_ago = now - dt.timedelta(hours=1)
    _step(journey, only_journey, "welcome", enrollment=1, sent_at=an_hour_ago)
    _step(journey, both, "welcome", enrollment=2, sent_at=an_hour_ago)
    Recipient.objects.create(account=account, campaign=broadcast, contact=both, sent_at=now)
    messaged_since = ports.messaged_since.get()
    since = now - dt.timedelta(hours=24)

    # when the cap's condition is read with and without the journey left out
    def capped(**kwargs) -> set[int]:
        q = messaged_since(account=account, since=since, **kwargs)
        return set(Contact.objects.filter(q).values_list("pk", flat=True))

    # then the journey's own messages cap no one when left out; the broadcast's still do
    assert capped() == {only_journey.pk, both.pk}
    assert capped(exclude_campaign_id=journey.pk) == {both.pk}
    assert neither.pk not in capped()
