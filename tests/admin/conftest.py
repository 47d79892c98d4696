import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import ApiKey
from accounts.services import api_key_create
from analytics.models import Conversion, Event, Export
from analytics.pricing import prices_seed
from audience.models import ImportJob
from campaigns.models import AutomationTrigger, Campaign, CampaignActivity, TestContact
from delivery.models import CampaignError, Recipient, SendBatch
from messaging.models import RateBucket, SandboxMessage
from tests.factories import (
    AttributeDefinitionFactory,
    CampaignFactory,
    ContactFactory,
    MembershipFactory,
    MessageTemplateFactory,
    SegmentFactory,
    SenderFactory,
    SuppressionEntryFactory,
    TagFactory,
    VariantFactory,
    WorkflowStepFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs seconds per user on a busy CI machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root", email="root@example.com", password=None
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def admin_data(account, user):
    """One row of every model the admin shows, wired together as the pipeline would."""
    tag = TagFactory(account=account, name="vip")
    contact = ContactFactory(account=account, attributes={"city": "Paris"})
    contact.tags.add(tag)
    sender = SenderFactory(account=account)
    template = MessageTemplateFactory(account=account)
    segment = SegmentFactory(account=account, created_by=user)
    campaign = CampaignFactory(
        account=account,
        sender=sender,
        template=template,
        created_by=user,
        type=Campaign.Type.AB_TEST,
        total_sent=200,
        total_delivered=180,
        total_clicked=45,
    )
    campaign.segments.add(segment)
    variant = VariantFactory(campaign=campaign, key="A")
    WorkflowStepFactory(campaign=campaign)
    AutomationTrigger.objects.create(
        campaign=campaign, type=AutomationTrigger.Type.TAG_ADDED, condition={"tag": "vip"}
    )
    CampaignError.objects.create(
        campaign=campaign,
        error_type="131026",
        message="Message undeliverable",
        count=3,
        timestamp=timezone.now(),
    )
    CampaignActivity.objects.create(campaign=campaign, actor=user, action="create")
    recipient = Recipient.objects.create(
        account=account,
        campaign=campaign,
        contact=contact,
        variant=variant,
        status=Recipient.Status.DELIVERED,
        provider_message_id="wamid.TEST123",
    )
    Event.objects.create(
        account=account,
        campaign=campaign,
        recipient=recipient,
        contact=contact,
        type=Event.Type.DELIVERED,
        occurred_at=timezone.now(),
    )
    Conversion.objects.create(
        account=account,
        contact=contact,
        campaign=campaign,
        recipient=recipient,
        event="purchase",
        value="25.00",
        currency=account.currency,
        order_id="ORD-1",
        occurred_at=timezone.now(),
        attribution=Conversion.Attribution.DELIVERY,
    )
    prices_seed(account)
    AttributeDefinitionFactory(account=account, key="city")
    SuppressionEntryFactory(account=account)
    ImportJob.objects.create(account=account, file="imports/x.csv", original_name="x.csv")
    Export.objects.create(
        account=account, campaign=campaign, kind=Export.Kind.EVENTS_CSV, file="exports/x.csv"
    )
    batch = SendBatch.objects.create(campaign=campaign, size=1)
    Recipient.objects.filter(pk=recipient.pk).update(batch=batch)
    TestContact.objects.create(account=account, contact=contact)
    SandboxMessage.objects.create(
        account=account,
        sender=sender,
        recipient_id=recipient.pk,
        provider_message_id="sandbox-1",
        to=contact.phone,
        body={"type": "text", "text": {"body": "Hi"}},
    )
    RateBucket.objects.create(key=f"sender:{sender.pk}", tat=0.0)
    api_key_create(account=account, name="ci")
    MembershipFactory(account=account)
    return {"campaign": campaign, "sender": sender, "api_key": ApiKey.objects.get(name="ci")}
