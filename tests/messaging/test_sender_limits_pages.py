"""The messaging limit on the senders pages and in /api/senders: shown, set, checked, and read
again after a save that changes the number or its credentials.

Saves read the tier after commit: the tests run in a transaction, so they run the commit
hooks with ``django_capture_on_commit_callbacks(execute=True)``.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from messaging.models import Sender
from messaging.schemas import MessagingLimitTier
from tests.factories import SenderFactory
from tests.messaging.provider_server import whatsapp_error

pytestmark = pytest.mark.django_db

LIST = "/dashboard/messaging/senders/"


@pytest.fixture
def manager_client(client, account, make_member):
    client.force_login(make_member(account, Role.MANAGER))
    return client


@pytest.fixture
def sender(account, provider):
    return SenderFactory(
        account=account,
        name="Main number",
        channel=Sender.Channel.WHATSAPP,
        phone_number_id="106540352242922",
        api_base_url=provider.url,
        access_token="EAAG-token",
    )


def _edit(sender) -> str:
    return f"/dashboard/messaging/senders/{sender.pk}/"


def _form(sender, **extra) -> dict:
    data = {
        "channel": sender.channel,
        "name": sender.name,
        "phone_number_id": sender.phone_number_id,
        "api_base_url": sender.api_base_url,
        "rate_limit_per_second": "80",
        "messaging_limit": sender.messaging_limit,
        "is_active": "on",
    }
    data.update(extra)
    return data


# --- shown ----------------------------------------------------------------------------------


def test_list_shows_the_tier_read_from_whatsapp_and_the_quality(manager_client, sender):
    Sender.objects.filter(pk=sender.pk).update(
        limit_tier_read="TIER_1K",
        quality_rating="GREEN",
        limits_checked_at=timezone.now() - timedelta(minutes=10),
    )
    html = manager_client.get(LIST).content.decode()
    assert "1,000 unique users / 24 h" in html
    assert "read from WhatsApp" in html
    assert "10\xa0minutes ago" in html
    assert "High quality." in html


def test_list_says_the_tier_is_assumed_and_why(manager_client, sender, settings):
    settings.WHATSAPP_MESSAGING_LIMIT_FALLBACK = "TIER_250"
    Sender.objects.filter(pk=sender.pk).update(
        limits_error="Invalid OAuth access token", limits_checked_at=timezone.now()
    )
    html = manager_client.get(LIST).content.decode()
    assert "250 unique users / 24 h" in html
    assert "assumed: the tier could not be read: Invalid OAuth access token." in html
    assert "if WhatsApp cannot say" in html


def test_a_red_rating_warns_that_meta_may_lower_the_tier(manager_client, sender):
    Sender.objects.filter(pk=sender.pk).update(
        limit_tier_read="TIER_10K", quality_rating="RED", limits_checked_at=timezone.now()
    )
    html = manager_client.get(_edit(sender)).content.decode()
    assert "10,000 unique users / 24 h" in html
    assert "Meta may lower the tier" in html
    assert "Check tier and quality" in html


def test_the_operators_tier_wins_and_the_page_says_what_whatsapp_said(manager_client, sender):
    Sender.objects.filter(pk=sender.pk).update(
        messaging_limit="TIER_250", limit_tier_read="TIER_10K", limits_checked_at=timezone.now()
    )
    html = manager_client.get(LIST).content.decode()
    assert "set on this sender (WhatsApp says 10,000 unique users / 24 h)" in html


def test_a_failed_check_after_a_good_one_keeps_the_tier_and_shows_the_error(manager_client, sender):
    Sender.objects.filter(pk=sender.pk).update(
        limit_tier_read="TIER_1K",
        limits_checked_at=timezone.now(),
        limits_error="The provider at graph.facebook.com did not answer in time.",
    )
    html = manager_client.get(_edit(sender)).content.decode()
    assert "1,000 unique users / 24 h" in html
    assert "The last check failed" in html
    assert "did not answer in time." in html


def test_other_channels_show_no_limit(manager_client, account):
    SenderFactory(account=account, channel="sms", name="Texts")
    response = manager_client.get(LIST)
    assert [s.limits for s in response.context["senders"]] == [None]


# --- set ------------------------------------------------------------------------------------


def test_the_form_sets_the_operators_tier(manager_client, sender):
    response = manager_client.post(_edit(sender), _form(sender, messaging_limit="TIER_10K"))
    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.messaging_limit == "TIER_10K"


def test_the_form_refuses_a_tier_that_is_not_a_choice(manager_client, sender):
    response = manager_client.post(_edit(sender), _form(sender, messaging_limit="TIER_5"))
    assert response.status_code == 200
    assert "messaging_limit" in response.context["form"].errors
    sender.refresh_from_db()
    assert sender.messaging_limit == ""


def test_an_sms_sender_has_no_messaging_limit(manager_client, account):
    sms = SenderFactory(
        account=account, channel="sms", account_sid="AC1", from_address="+15550001111"
    )
    response = manager_client.post(
        _edit(sms), _form(sms, messaging_limit="TIER_1K", account_sid="AC1")
    )
    assert response.status_code == 200
    assert "Only WhatsApp (and sandbox) senders" in str(response.context["form"].errors)


# --- read after a save ----------------------------------------------------------------------


def test_creating_a_whatsapp_sender_reads_its_tier_after_commit(
    manager_client, account, provider, django_capture_on_commit_callbacks
):
    data = {
        "channel": "whatsapp",
        "name": "New number",
        "phone_number_id": "1234567",
        "api_base_url": f"{provider.url}/v23.0",
        "rate_limit_per_second": "80",
        "access_token": "tok",
        "app_secret": "app",
        "is_active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post("/dashboard/messaging/senders/new/", data)
    assert response.status_code == 302
    sender = Sender.objects.get(account=account, name="New number")
    assert sender.limit_tier_read == "TIER_1K"
    [request] = provider.requests
    assert request.path.startswith("/v23.0/1234567?")


def test_a_failed_read_never_fails_the_save(
    manager_client, sender, provider, django_capture_on_commit_callbacks
):
    provider.queue_response(401, whatsapp_error(190))
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(_edit(sender), _form(sender, access_token="new-token"))
    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.access_token == "new-token"
    assert "Invalid OAuth access token" in sender.limits_error
    html = manager_client.get(_edit(sender)).content.decode()
    assert "Invalid OAuth access token" in html


def test_a_save_that_changes_nothing_the_read_depends_on_does_not_read(
    manager_client, sender, provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(_edit(sender), _form(sender, name="Renamed", messaging_limit="TIER_1K"))
    assert provider.requests == []


def test_another_number_forgets_the_last_tier_and_reads_its_own(
    manager_client, sender, provider, django_capture_on_commit_callbacks
):
    Sender.objects.filter(pk=sender.pk).update(
        limit_tier_read="TIER_100K", quality_rating="GREEN", limits_checked_at=timezone.now()
    )
    sender.refresh_from_db()
    provider.queue_response(400, whatsapp_error(100, "Object with ID '999' does not exist"))
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(_edit(sender), _form(sender, phone_number_id="999"))
    sender.refresh_from_db()
    assert (sender.limit_tier_read, sender.quality_rating) == ("", "")
    assert "does not exist" in sender.limits_error


# --- the check button -----------------------------------------------------------------------


def test_the_check_button_reads_now_and_says_what_whatsapp_said(manager_client, sender, provider):
    provider.phone_number.update(messaging_limit_tier="TIER_10K", quality_rating="YELLOW")
    response = manager_client.post(f"{_edit(sender)}limits/", follow=True)
    assert response.redirect_chain == [(_edit(sender), 302)]
    html = response.content.decode()
    assert "WhatsApp says: 10,000 unique users / 24 h. Quality: Yellow." in html
    sender.refresh_from_db()
    assert sender.limit_tier_read == "TIER_10K"


def test_the_check_button_shows_a_failure(manager_client, sender, provider):
    provider.queue_response(401, whatsapp_error(190))
    response = manager_client.post(f"{_edit(sender)}limits/", follow=True)
    assert "The tier could not be read: WhatsApp refused the request (HTTP 401)" in (
        response.content.decode()
    )


def test_the_check_button_is_post_only_and_for_managers(client, viewer, sender, manager_client):
    assert manager_client.get(f"{_edit(sender)}limits/").status_code == 405
    client.force_login(viewer)
    assert client.post(f"{_edit(sender)}limits/").status_code == 403


def test_another_accounts_sender_is_a_404_for_the_button(manager_client, other_account, provider):
    theirs = SenderFactory(
        account=other_account, channel="whatsapp", api_base_url=provider.url, access_token="t"
    )
    assert manager_client.post(f"{_edit(theirs)}limits/").status_code == 404
    assert provider.requests == []
    theirs.refresh_from_db()
    assert theirs.limits_checked_at is None


def test_the_check_button_needs_the_csrf_token(account, make_member, sender, provider):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_member(account, Role.MANAGER))
    assert strict.post(f"{_edit(sender)}limits/").status_code == 403
    assert provider.requests == []


def test_the_check_button_on_another_channel_explains(manager_client, account):
    sandbox = SenderFactory(account=account, channel="sandbox")
    response = manager_client.post(f"{_edit(sandbox)}limits/", follow=True)
    assert "Only WhatsApp senders have a tier and quality to read." in response.content.decode()


# --- API ------------------------------------------------------------------------------------


def _api_body(provider, **extra) -> dict:
    body = {
        "channel": "whatsapp",
        "name": "Main number",
        "phoneNumberId": "106540352242999",
        "apiBaseUrl": f"{provider.url}/v23.0",
        "accessToken": "tok",
        "appSecret": "app",
    }
    body.update(extra)
    return body


def test_api_out_has_the_limit_fields(api, sender):
    Sender.objects.filter(pk=sender.pk).update(
        limit_tier_read="TIER_1K", quality_rating="GREEN", limits_checked_at=timezone.now()
    )
    data = api.get(f"/api/senders/{sender.pk}").json()
    assert data["messagingLimit"] == ""
    assert data["limitTierRead"] == "TIER_1K"
    assert data["qualityRating"] == "GREEN"
    assert data["limitsCheckedAt"]
    assert data["limitsError"] == ""
    assert data["messagingLimitUsers"] == 1000
    assert data["messagingLimitSource"] == "whatsapp"


def test_api_out_of_an_sms_sender_has_no_limit(api, account):
    sms = SenderFactory(account=account, channel="sms")
    data = api.get(f"/api/senders/{sms.pk}").json()
    assert (data["messagingLimitUsers"], data["messagingLimitSource"]) == (None, "none")
    assert data["limitsCheckedAt"] is None


@pytest.mark.django_db(transaction=True)
def test_api_create_reads_the_tier_and_answers_it(api, provider):
    # committed for real: the read runs once the create commits, before the answer is built
    response = api.post(
        "/api/senders", json.dumps(_api_body(provider)), content_type="application/json"
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["limitTierRead"], data["qualityRating"]) == ("TIER_1K", "GREEN")
    assert data["messagingLimitUsers"] == 1000


def test_api_sets_and_clears_the_operators_tier(api, sender):
    put = lambda body: api.put(  # noqa: E731
        f"/api/senders/{sender.pk}", json.dumps(body), content_type="application/json"
    )
    data = put({"name": "Main number", "messagingLimit": "TIER_UNLIMITED"}).json()
    assert (data["messagingLimit"], data["messagingLimitUsers"]) == ("TIER_UNLIMITED", None)
    assert data["messagingLimitSource"] == "sender"
    data = put({"name": "Main number", "messagingLimit": ""}).json()
    assert data["messagingLimit"] == ""
    assert data["messagingLimitSource"] == "fallback"


@pytest.mark.parametrize("value", ["TIER_5", "tier_1k", 1000, ["TIER_1K"]])
def test_api_refuses_a_tier_that_is_not_a_choice(api, provider, value):
    response = api.post(
        "/api/senders",
        json.dumps(_api_body(provider, messagingLimit=value)),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "messagingLimit" in response.content.decode()
    assert not Sender.objects.filter(phone_number_id="106540352242999").exists()


def test_api_refuses_a_tier_on_an_email_sender(api):
    response = api.post(
        "/api/senders",
        json.dumps({"channel": "email", "name": "Mail", "messagingLimit": "TIER_1K"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "messagingLimit",
            "message": "Only WhatsApp (and sandbox) senders have a messaging limit.",
        }
    ]


def test_the_api_tiers_are_the_models():
    from typing import get_args

    from messaging.models import TIER_CHOICES

    assert list(get_args(MessagingLimitTier)) == [key for key, _ in TIER_CHOICES]


def test_api_update_of_the_token_reads_again(
    api, sender, provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.put(
            f"/api/senders/{sender.pk}",
            json.dumps({"name": "Main number", "accessToken": "fresh"}),
            content_type="application/json",
        )
    assert response.status_code == 200
    [request] = provider.requests
    assert request.headers["Authorization"] == "Bearer fresh"
    sender.refresh_from_db()
    assert sender.limit_tier_read == "TIER_1K"
