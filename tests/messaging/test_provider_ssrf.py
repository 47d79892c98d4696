"""Server-side request forgery through a sender: its URL at input, its connection, redirects,
and what an unknown host's answers may show.

Real servers on 127.0.0.1 stand in for providers and for the services an attacker would aim
at. ``127.0.0.1`` is trusted in tests (tests/conftest.py); ``localhost`` is the same server
under a name nobody vouched for.
"""

import json

import pytest
from django.urls import reverse

from accounts.models import Role
from campaigns.models import Campaign, TestContact
from delivery.models import CampaignError, Recipient
from messaging.models import Sender
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from tests.core.servers import BannerServer, RecordingServer, json_answer, redirect
from tests.delivery.helpers import drain, running_campaign
from tests.factories import CampaignFactory, ContactFactory, SenderFactory
from tests.messaging.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db

SECRET_TEXT = "root:x:0:0 internal-service-SECRET-7f3a"
FORBIDDEN_BASE_URLS = [
    "http://169.254.169.254/latest/meta-data",
    "https://169.254.169.254/",
    "https://10.0.0.8/v21.0",
    "https://[::1]/v21.0",
    "https://metadata.google.internal/computeMetadata/v1",
    "https://2130706433/",
    "https://0177.0.0.1/",
    "https://[::ffff:127.0.0.1]/",
    "https://100.64.0.1/",
    "https://0.0.0.0/",
    "https://localhost/v21.0",
]


def _message(i: int = 1) -> OutboundMessage:
    return OutboundMessage(
        recipient_id=i, callback_data=f"recipient:{i}", to_phone="+16505550100", text="Hi"
    )


def _whatsapp(account, base_url: str) -> Sender:
    return SenderFactory(
        account=account,
        channel=Sender.Channel.WHATSAPP,
        api_base_url=base_url,
        access_token="EAAG-bearer-SECRET",
        rate_limit_per_second=0,
    )


def _send_one(sender: Sender):
    adapter = get_adapter(sender)
    try:
        return adapter.send(_message())
    finally:
        adapter.close()


# --- input --------------------------------------------------------------------------------


@pytest.mark.parametrize("base_url", FORBIDDEN_BASE_URLS)
def test_the_api_refuses_a_forbidden_base_url_with_its_field(
    api, account, outbound_production, base_url
):
    body = {
        "channel": "whatsapp",
        "name": "Main number",
        "phoneNumberId": "106540352242922",
        "apiBaseUrl": base_url,
        "accessToken": "tok",
        "appSecret": "app",
    }
    response = api.post("/api/senders", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["apiBaseUrl"]
    assert not Sender.objects.filter(account=account).exists()


def test_production_refuses_plain_http_and_accepts_a_public_https_url(
    api, account, outbound_production
):
    body = {"channel": "sms", "name": "Texts", "accountSid": "AC1", "authToken": "t"}
    body["fromAddress"] = "+15550001111"
    refused = api.post(
        "/api/senders",
        json.dumps({**body, "apiBaseUrl": "http://api.twilio.com"}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "https://" in refused.json()["errors"][0]["message"]
    accepted = api.post(
        "/api/senders",
        json.dumps({**body, "apiBaseUrl": "https://api.twilio.com"}),
        content_type="application/json",
    )
    assert accepted.status_code == 201, accepted.content


def test_an_email_senders_smtp_host_is_checked_too(api, account, outbound_production):
    body = {"channel": "email", "name": "Mail", "fromAddress": "news@acme.example"}
    for url in ("smtp://mailer@127.0.0.1:25", "smtps://mailer@[fd00::25]:465"):
        response = api.post(
            "/api/senders", json.dumps({**body, "apiBaseUrl": url}), content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "apiBaseUrl"
    assert not Sender.objects.filter(account=account).exists()


def test_the_senders_page_shows_the_refusal_on_the_field(
    client, account, make_member, outbound_production
):
    client.force_login(make_member(account, Role.MANAGER))
    response = client.post(
        reverse("messaging:sender_create"),
        {
            "channel": "whatsapp",
            "name": "Main number",
            "phone_number_id": "106540352242922",
            "api_base_url": "https://169.254.169.254/",
            "rate_limit_per_second": "80",
            "access_token": "tok",
            "app_secret": "app",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["api_base_url"] == [
        "169.254.169.254 is a cloud metadata address: only public internet addresses can be used."
    ]
    assert not Sender.objects.filter(account=account).exists()


def test_the_admin_refuses_a_forbidden_base_url(admin_client, account, outbound_production):
    sender = SenderFactory(account=account, api_base_url="https://graph.facebook.com/v21.0")
    url = reverse("admin:messaging_sender_change", args=[sender.pk])
    data = {
        "account": account.pk,
        "name": sender.name,
        "channel": sender.channel,
        "is_active": "on",
        "phone_number_id": sender.phone_number_id,
        "api_base_url": "https://10.0.0.8/v21.0",
        "rate_limit_per_second": "80",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "private address" in str(response.context["adminform"].form.errors["api_base_url"])
    sender.refresh_from_db()
    assert sender.api_base_url == "https://graph.facebook.com/v21.0"


# --- connection time ----------------------------------------------------------------------


def test_a_stored_loopback_url_is_refused_at_connect_time_and_pauses_the_campaign(
    account, settings
):
    # given a sender saved before the guard existed, pointing at a service on this machine
    with RecordingServer() as service:
        sender = _whatsapp(account, f"http://localhost:{service.port}/v21.0")
        campaign = running_campaign(account, sender, 3)
        settings.OUTBOUND_ALLOW_LOOPBACK = False

        # when the campaign is sent
        drain(campaign)

    # then nothing reached the service, nobody was failed, and the campaign paused
    assert service.connections == 0
    assert campaign.status == Campaign.Status.PAUSED
    assert "loopback" in campaign.status_reason
    assert "was not contacted" in campaign.status_reason
    assert not Recipient.objects.filter(campaign=campaign, status="failed").exists()


def test_a_provider_redirect_is_not_followed_and_the_token_goes_nowhere(account):
    # given a provider that answers 307 to another server
    with RecordingServer() as elsewhere, RecordingServer() as provider:
        provider.routes["/v21.0/106540352242922/messages"] = redirect(f"{elsewhere.url()}/collect")
        sender = _whatsapp(account, f"{provider.url()}/v21.0")
        sender.phone_number_id = "106540352242922"

        # when a message is sent
        result = _send_one(sender)

    # then the second server received nothing, let alone the bearer token
    assert elsewhere.seen == []
    assert elsewhere.connections == 0
    assert provider.seen[0].headers["Authorization"] == "Bearer EAAG-bearer-SECRET"
    assert (result.ok, result.error_code, result.auth_failed) == (False, "redirect_refused", True)


def test_a_redirect_pauses_a_running_campaign_instead_of_failing_its_audience(account):
    with RecordingServer() as elsewhere, RecordingServer() as provider:
        sender = _whatsapp(account, f"{provider.url()}/v21.0")
        provider.routes[f"/v21.0/{sender.phone_number_id}/messages"] = redirect(
            f"{elsewhere.url()}/collect", status=308
        )
        campaign = running_campaign(account, sender, 4)
        drain(campaign)
    assert elsewhere.seen == []
    assert campaign.status == Campaign.Status.PAUSED
    assert "redirect" in campaign.status_reason


# --- what an unknown host's answers may show ----------------------------------------------


def _campaign_with_test_contact(account, sender) -> Campaign:
    campaign = CampaignFactory(account=account, sender=sender, message_content="Hi!")
    TestContact.objects.create(account=account, contact=ContactFactory(account=account))
    return campaign


def test_an_unknown_hosts_error_text_never_reaches_the_api_answer(api, account):
    # given a sender whose "provider" answers errors that quote an internal service
    with RecordingServer() as service:
        sender = _whatsapp(account, f"{service.url('localhost')}/v21.0")
        service.routes[f"/v21.0/{sender.phone_number_id}/messages"] = json_answer(
            400, {"error": {"message": SECRET_TEXT, "code": 100}}
        )
        campaign = _campaign_with_test_contact(account, sender)

        # when the marketer sends a test through the API
        response = api.post(f"/api/campaigns/{campaign.pk}/preview")

    # then the answer names the host and the error code, never the host's text
    assert response.status_code == 200
    assert SECRET_TEXT not in response.content.decode()
    assert response.json()["results"][0]["error"] == (
        "The provider at localhost answered with error 100."
    )


def test_a_non_http_banner_never_reaches_the_api_answer(api, account):
    # given a sender aimed at a service that is not HTTP (an SSH server's banner)
    with BannerServer(f"SSH-2.0-OpenSSH_9.6 {SECRET_TEXT}\r\n".encode()) as service:
        sender = _whatsapp(account, f"http://localhost:{service.port}/v21.0")
        campaign = _campaign_with_test_contact(account, sender)
        response = api.post(f"/api/campaigns/{campaign.pk}/preview")
    assert service.connections >= 1
    assert SECRET_TEXT not in response.content.decode()
    assert "SSH-2.0" not in response.content.decode()
    assert response.json()["results"][0]["error"] == (
        "The connection to the provider at localhost failed."
    )


def test_an_unknown_hosts_error_text_never_reaches_the_error_log(account, api):
    with RecordingServer() as service:
        sender = _whatsapp(account, f"{service.url('localhost')}/v21.0")
        service.routes[f"/v21.0/{sender.phone_number_id}/messages"] = json_answer(
            400, {"error": {"message": SECRET_TEXT, "code": 131026}}
        )
        campaign = running_campaign(account, sender, 2)
        drain(campaign)
    stats = api.get(f"/api/campaigns/{campaign.pk}/stats")
    assert stats.status_code == 200
    assert SECRET_TEXT not in stats.content.decode()
    assert CampaignError.objects.get(campaign=campaign).message == (
        "The provider at localhost answered with error 131026."
    )
    page = api.get(f"/api/campaigns/{campaign.pk}/recipients", {"status": "failed"})
    assert SECRET_TEXT not in page.content.decode()


# --- SMTP ---------------------------------------------------------------------------------


def _email_sender(account, host: str, port: int) -> Sender:
    return SenderFactory(
        account=account,
        channel=Sender.Channel.EMAIL,
        api_base_url=f"smtp://mailer@{host}:{port}",
        from_address="news@acme.example",
        rate_limit_per_second=0,
    )


def _email(address: str) -> OutboundMessage:
    return OutboundMessage(
        recipient_id=1, callback_data="recipient:1", to_email=address, subject="S", text="T"
    )


def test_an_smtp_server_on_a_forbidden_address_is_never_connected(account, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    settings.OUTBOUND_TRUSTED_HOSTS = []
    with SmtpServer() as server:
        for host in ("127.0.0.1", "localhost", "2130706433"):
            adapter = get_adapter(_email_sender(account, host, server.port))
            result = adapter.send(_email("person@example.org"))
            adapter.close()
            assert (result.ok, result.error_code, result.auth_failed) == (
                False,
                "address_refused",
                True,
            )
        assert server.mails == []


def test_an_unknown_smtp_hosts_reply_text_is_not_shown(account):
    with SmtpServer(refuse={"gone@example.org"}) as server:
        trusted = get_adapter(_email_sender(account, "127.0.0.1", server.port))
        unknown = get_adapter(_email_sender(account, "localhost", server.port))
        shown = trusted.send(_email("gone@example.org"))
        hidden = unknown.send(_email("gone@example.org"))
        trusted.close()
        unknown.close()
    assert "gone@example.org" in shown.error_message
    assert hidden.error_message == "The SMTP server at localhost answered 550."
