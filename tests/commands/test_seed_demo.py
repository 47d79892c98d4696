"""``manage.py seed_demo``: the demo store, complete, consistent and idempotent."""

import time
from datetime import date
from io import StringIO
from zoneinfo import available_timezones

import phonenumbers
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from phonenumbers import timezone as phone_timezones

from accounts.models import Account, ApiKey, Membership
from audience.models import AttributeDefinition, Contact, Segment, Tag
from campaigns.models import (
    AutomationTrigger,
    Campaign,
    CampaignActivity,
    CampaignError,
    Variant,
    WorkflowStep,
)
from messaging.models import Sender
from templates_app.models import MessageTemplate

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


@pytest.fixture
def demo(db):
    output = _seed()
    return Account.objects.get(slug="demo"), output


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
def test_campaigns_cover_every_status_and_type_with_their_parts(demo):
    account, _ = demo
    campaigns = Campaign.objects.for_account(account)

    assert set(campaigns.values_list("status", flat=True)) == set(Campaign.Status.values)
    assert set(campaigns.values_list("type", flat=True)) == set(Campaign.Type.values)
    assert Variant.objects.filter(campaign__account=account, campaign__type="ab-test").count() >= 2
    assert WorkflowStep.objects.filter(campaign__account=account, campaign__type="drip").exists()
    assert WorkflowStep.objects.filter(
        campaign__account=account, campaign__type="automation"
    ).exists()
    assert AutomationTrigger.objects.filter(campaign__account=account).exists()
    assert CampaignError.objects.filter(campaign__account=account).exists()
    assert campaigns.filter(total_sent__gt=0).exists()
    for campaign in campaigns.filter(total_sent__gt=0):
        assert campaign.total_delivered <= campaign.total_sent
        assert campaign.total_clicked <= campaign.total_opened <= campaign.total_delivered
    assert all(c.sender.phone_number_id == "demo-sandbox" for c in campaigns)


@pytest.mark.django_db
def test_second_run_adds_nothing_and_is_quick(demo):
    before = _counts()

    started = time.monotonic()
    output = _seed()
    elapsed = time.monotonic() - started

    assert _counts() == before
    assert "already there" in output
    assert elapsed < 5
