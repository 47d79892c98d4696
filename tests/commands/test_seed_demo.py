"""``manage.py seed_demo``: the demo store, complete, consistent and idempotent."""

import time
from collections import Counter
from datetime import date
from io import StringIO
from zoneinfo import available_timezones

import phonenumbers
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from phonenumbers import timezone as phone_timezones

from accounts.models import Account, ApiKey, Membership
from analytics.models import Event
from audience.models import AttributeDefinition, Contact, Segment, Tag
from campaigns.models import AutomationTrigger, Campaign, CampaignActivity, Variant, WorkflowStep
from delivery.models import CampaignError, Recipient
from messaging.models import SandboxMessage, Sender
from templates_app.models import MessageTemplate

# The whole demo store is seeded once for the module, its campaigns sent through the pipeline.
pytestmark = pytest.mark.slow

# phonenumbers still answers with a few legacy names of the same zone.
TZ_ALIASES = {"Asia/Calcutta": "Asia/Kolkata"}
SEEDED_MODELS = (
    Account,
    Membership,
    AttributeDefinition,
    Tag,
    Contact,
    Contact.tags.through,
    Segment,
    MessageTemplate,
    Sender,
    Campaign,
    Variant,
    WorkflowStep,
    AutomationTrigger,
    CampaignError,
    CampaignActivity,
    ApiKey,
)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict:
    return {model._meta.label: model.objects.count() for model in SEEDED_MODELS}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, committed for real: the demo's campaigns are taken where they
    stand by the pipeline, which runs after each commit. The tables are flushed afterwards so
    the other tests start from an empty database again."""
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing:
        output = _seed()
        yield output
        call_command("flush", "--no-input", verbosity=0)


@pytest.fixture
def demo(seeded, db):
    return Account.objects.get(slug="demo"), seeded


@pytest.mark.django_db
def test_demo_account_and_logins(demo):
    account, output = demo

    assert (account.name, account.timezone, account.currency) == (
        "Demo Store",
        "Europe/London",
        "USD",
    )
    roles = dict(Membership.objects.for_account(account).values_list("user__username", "role"))
    assert roles == {"demo": "marketer", "viewer": "viewer", "admin": "owner"}
    members = {m.user.username: m.user for m in account.memberships.select_related("user")}
    assert not members["demo"].is_staff
    assert not members["demo"].is_superuser
    assert members["admin"].is_staff
    assert members["admin"].is_superuser
    assert members["demo"].check_password("demo-pass-2026")
    assert members["viewer"].check_password("viewer-pass-2026")
    assert members["admin"].check_password("admin-pass-2026")
    assert "demo / demo-pass-2026" in output


@pytest.mark.django_db
def test_demo_login_works_on_the_login_page(client, demo):
    response = client.post(
        reverse("accounts:login"), {"username": "demo", "password": "demo-pass-2026"}
    )

    assert response.status_code == 302
    campaigns_page = client.get(reverse("campaigns:list"))
    assert campaigns_page.status_code == 200
    assert "Spring sale announcement" in campaigns_page.content.decode()


@pytest.mark.django_db
def test_admin_login_opens_the_django_admin(client, demo):
    assert client.login(username="admin", password="admin-pass-2026")
    assert client.get(reverse("admin:campaigns_campaign_changelist")).status_code == 200


@pytest.mark.django_db
def test_about_a_thousand_contacts_with_valid_numbers_country_and_time_zone(demo):
    account, _ = demo
    contacts = list(Contact.objects.for_account(account))

    assert 950 <= len(contacts) <= 1050
    assert len({c.country for c in contacts}) >= 8
    assert len({c.timezone for c in contacts}) >= 10
    zones = available_timezones()
    for contact in contacts:
        number = phonenumbers.parse(contact.phone)
        assert phonenumbers.is_valid_number(number), contact.phone
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == (
            contact.phone
        )
        assert phonenumbers.region_code_for_number(number) == contact.country
        assert contact.timezone in zones
        expected = {TZ_ALIASES.get(z, z) for z in phone_timezones.time_zones_for_number(number)}
        assert contact.timezone in expected, (contact.phone, contact.timezone)
    unsubscribed = [c for c in contacts if not c.subscribed]
    assert 0 < len(unsubscribed) < len(contacts) / 4
    assert all(c.unsubscribed_at is not None for c in unsubscribed)


@pytest.mark.django_db
def test_attributes_are_typed_and_defined(demo):
    account, _ = demo
    definitions = dict(AttributeDefinition.objects.for_account(account).values_list("key", "type"))
    assert definitions == {
        "city": "text",
        "lifetime_value": "number",
        "signup_date": "date",
        "vip": "boolean",
    }
    for contact in Contact.objects.for_account(account)[:200]:
        attrs = contact.attributes
        assert isinstance(attrs["city"], str)
        assert isinstance(attrs["lifetime_value"], int | float)
        assert date.fromisoformat(attrs["signup_date"]) <= timezone.now().date()
        assert isinstance(attrs["vip"], bool)


@pytest.mark.django_db
def test_tags_match_the_vip_attribute_and_spread_over_contacts(demo):
    account, _ = demo
    vips = Contact.objects.for_account(account).filter(attributes__vip=True)
    tagged_vip = Contact.objects.for_account(account).filter(tags__name="vip")

    assert set(vips.values_list("pk", flat=True)) == set(tagged_vip.values_list("pk", flat=True))
    assert vips.exists()
    assert Tag.objects.for_account(account).count() >= 5
    assert Contact.tags.through.objects.filter(contact__account=account).count() > 1000


@pytest.mark.django_db
def test_segments_templates_and_sender(demo):
    account, _ = demo

    segments = Segment.objects.for_account(account)
    assert segments.count() >= 3
    for segment in segments:
        assert segment.filters["op"] in {"and", "or"}
        assert segment.filters["rules"]
    statuses = set(MessageTemplate.objects.for_account(account).values_list("status", flat=True))
    assert {"approved", "pending"} <= statuses
    sender = Sender.objects.for_account(account).get(phone_number_id="demo-sandbox")
    assert sender.channel == Sender.Channel.SANDBOX


@pytest.mark.django_db
def test_campaigns_hold_only_states_the_product_produces(demo):
    account, _ = demo
    campaigns = Campaign.objects.for_account(account)
    by_name = {c.name: c for c in campaigns}

    # every type can be built; only the types the pipeline runs ever left draft
    assert set(campaigns.values_list("type", flat=True)) == set(Campaign.Type.values)
    started = campaigns.exclude(status=Campaign.Status.DRAFT)
    assert set(started.values_list("type", flat=True)) == {"broadcast", "ab-test"}
    # every status the lifecycle reaches by a person's action or the pipeline; none failed
    assert set(campaigns.values_list("status", flat=True)) == {
        "draft",
        "scheduled",
        "running",
        "paused",
        "completed",
    }
    assert Variant.objects.filter(campaign__account=account, campaign__type="ab-test").count() >= 2
    assert WorkflowStep.objects.filter(campaign__account=account, campaign__type="drip").exists()
    assert AutomationTrigger.objects.filter(campaign__account=account).exists()
    assert all(c.sender.phone_number_id == "demo-sandbox" for c in campaigns)

    # a paused campaign remembers what it was paused from, and resumes there
    paused = campaigns.get(status=Campaign.Status.PAUSED)
    assert paused.paused_from == Campaign.Status.SCHEDULED
    assert Schedule.objects.filter(name=f"campaign-{by_name['Black Friday early access'].pk}-run")

    # nothing the product cannot produce: no clicks, conversions, revenue or marked winner
    assert not campaigns.filter(total_clicked__gt=0).exists()
    assert not campaigns.filter(total_converted__gt=0).exists()
    assert not campaigns.filter(estimated_revenue__gt=0).exists()
    assert not Variant.objects.filter(campaign__account=account, is_winner=True).exists()
    assert not Event.objects.filter(campaign__account=account, type__in=["clicked", "converted"])


@pytest.mark.django_db
def test_every_figure_was_produced_by_the_pipeline(demo):
    account, _ = demo
    sent = Campaign.objects.for_account(account).filter(total_sent__gt=0)
    assert sent.count() == 3
    for campaign in sent:
        recipients = Recipient.objects.filter(campaign=campaign)
        statuses = Counter(recipients.values_list("status", flat=True))
        # the counters are the recipients' statuses, each message one the sandbox recorded
        assert campaign.total_recipients == recipients.count() == campaign.estimated_reach
        assert campaign.total_sent == recipients.exclude(sent_at=None).count()
        assert (
            campaign.total_sent
            == SandboxMessage.objects.filter(recipient_id__in=recipients.values("pk")).count()
        )
        assert campaign.total_delivered == statuses["delivered"] + statuses["read"]
        assert campaign.total_opened == statuses["read"]
        assert campaign.total_failed == statuses["failed"]
        assert campaign.total_delivered > campaign.total_opened > 0
        events = Counter(Event.objects.filter(campaign=campaign).values_list("type", flat=True))
        assert events["sent"] == campaign.total_sent
        assert events["read"] == campaign.total_opened
    errors = CampaignError.objects.filter(campaign__account=account)
    assert sum(errors.values_list("count", flat=True)) == sum(c.total_failed for c in sent)
    # the running one sent where it is day and waits where it is night
    running = Campaign.objects.for_account(account).get(status=Campaign.Status.RUNNING)
    waiting = Recipient.objects.filter(campaign=running, status="pending")
    assert waiting.exists()
    assert all(r.send_at > timezone.now() for r in waiting)
    # nobody unsubscribed was sent anything
    assert not SandboxMessage.objects.filter(
        to__in=Contact.objects.for_account(account).filter(subscribed=False).values("phone")
    ).exists()


@pytest.mark.django_db
def test_segments_and_reach_are_counted(demo):
    account, _ = demo
    for segment in Segment.objects.for_account(account):
        assert segment.counted_at is not None
        assert segment.contact_count > 0
    for campaign in Campaign.objects.for_account(account):
        assert campaign.estimated_reach > 0, campaign.name


@pytest.mark.django_db
def test_second_run_adds_nothing_and_is_quick(demo):
    before = _counts()

    started = time.monotonic()
    output = _seed()
    elapsed = time.monotonic() - started

    assert _counts() == before
    assert "already there" in output
    assert elapsed < 5
