"""Factories for every model, in one place; tests build data only through these."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Account, Membership, Role
from audience.models import AttributeDefinition, Contact, Segment, SuppressionEntry, Tag
from campaigns.models import Campaign, Variant, WorkflowStep
from delivery.models import Recipient
from messaging.models import Sender
from templates_app.models import MessageTemplate


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Account {n}")
    slug = factory.Sequence(lambda n: f"account-{n}")
    timezone = "Europe/Paris"
    currency = "EUR"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(AccountFactory)
    role = Role.MARKETER


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("account", "name")

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class AttributeDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributeDefinition

    account = factory.SubFactory(AccountFactory)
    key = factory.Sequence(lambda n: f"attr_{n}")
    label = factory.LazyAttribute(lambda a: a.key.replace("_", " ").title())
    type = AttributeDefinition.Type.TEXT


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    phone = factory.Sequence(lambda n: f"+3361{n:07d}")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    timezone = "Europe/Paris"
    country = "FR"
    attributes = factory.LazyFunction(dict)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Segment {n}")
    filters = factory.LazyFunction(
        lambda: {"op": "and", "rules": [{"field": "country", "operator": "eq", "value": "FR"}]}
    )


class SuppressionEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuppressionEntry

    account = factory.SubFactory(AccountFactory)
    phone = factory.Sequence(lambda n: f"+4420{n:08d}")


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"template_{n}")
    body = "Hello {{1}}, our sale starts today!"
    variables = factory.LazyFunction(lambda: [{"name": "1", "example": "Ada"}])
    status = MessageTemplate.Status.APPROVED


class SenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sender

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Sender {n}")
    channel = Sender.Channel.SANDBOX
    phone_number_id = factory.Sequence(lambda n: f"10654035224{n:04d}")
    access_token = "EAAG-secret-access-token"
    app_secret = "app-secret-value"
    verify_token = "verify-token-value"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    account = factory.SubFactory(AccountFactory)
    sender = factory.SubFactory(SenderFactory, account=factory.SelfAttribute("..account"))
    name = factory.Sequence(lambda n: f"Campaign {n}")
    description = "Spring sale"
    message_content = "Hi {{first_name}}, the spring sale is on!"
    status = Campaign.Status.DRAFT
    # A paused campaign remembers what it was paused from; running unless a test says so.
    paused_from = factory.LazyAttribute(
        lambda c: Campaign.Status.RUNNING if c.status == Campaign.Status.PAUSED else ""
    )


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    campaign = factory.SubFactory(CampaignFactory)
    key = factory.Sequence(lambda n: chr(ord("A") + n % 26))
    name = factory.LazyAttribute(lambda v: f"Variant {v.key}")
    message = factory.LazyFunction(lambda: {"type": "text", "content": "Hello!"})
    split_percentage = 50


class WorkflowStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkflowStep

    campaign = factory.SubFactory(CampaignFactory)
    step_id = factory.Sequence(lambda n: f"step-{n}")
    position = factory.Sequence(lambda n: n)
    delay_hours = 24
    message = factory.LazyFunction(lambda: {"type": "text", "content": "Day two"})


def make_recipients(campaign, n: int, *, status=Recipient.Status.SENT, prefix="wamid.test"):
    """``n`` recipients of ``campaign`` with provider ids ``<prefix>.<i>``."""
    contacts = [
        ContactFactory(account=campaign.account, phone=f"+1650555{i:04d}") for i in range(n)
    ]
    return [
        Recipient.objects.create(
            account=campaign.account,
            campaign=campaign,
            contact=c,
            status=status,
            provider_message_id=f"{prefix}.{i}" if status != Recipient.Status.UNCERTAIN else "",
            sent_at=timezone.now() if status == Recipient.Status.SENT else None,
        )
        for i, c in enumerate(contacts)
    ]
