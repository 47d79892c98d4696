"""An SMS campaign starts only when Twilio can call its statuses back and accept its bodies:
every start path refuses it through the one guard (``campaigns.services.control``), with the
reason and the field path; other channels keep their own rules."""

from decimal import Decimal

import pytest

from campaigns.models import Campaign
from campaigns.validation import validate_campaign
from config.settings.public_url import public_base_url_problem
from core.errors import ValidationFailed
from delivery import control
from messaging.models import Sender
from tests.accounts.test_production_settings import STRONG, manage_check
from tests.campaigns.world import audience, campaign_of, put_in_state
from tests.factories import SenderFactory

pytestmark = pytest.mark.django_db

NO_BASE = "ask the administrator to set PUBLIC_BASE_URL"


@pytest.fixture
def sms_sender(account):
    audience(account)
    return SenderFactory(
        account=account,
        channel=Sender.Channel.SMS,
        account_sid="AC123",
        auth_token="token",
        from_address="+15005550006",
        sms_segment_price=Decimal("0.0079"),
    )


def _sms_campaign(account, sender, kind=Campaign.Type.BROADCAST, **fields):
    return campaign_of(account, kind, sender=sender, send_now=True, **fields)


def _problems(campaign) -> dict[str, str]:
    return {p.field: p.message for p in validate_campaign(campaign=campaign).problems}


def _refused(start) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        start()
    return {p["field"]: p["message"] for p in refused.value.extra["problems"]}


def test_without_public_base_url_no_sms_campaign_starts(account, sms_sender, settings):
    settings.PUBLIC_BASE_URL = ""
    draft = _sms_campaign(account, sms_sender)
    scheduled = put_in_state(_sms_campaign(account, sms_sender), "scheduled")
    paused = put_in_state(_sms_campaign(account, sms_sender), "paused-running")
    later = _sms_campaign(account, sms_sender)
    Campaign.objects.filter(pk=later.pk).update(send_now=False)
    later.refresh_from_db()
    later.start_date = scheduled.start_date
    later.save(update_fields=["start_date"])

    starts = {
        "publish now": lambda: control.campaign_publish(campaign=draft),
        "publish for later": lambda: control.campaign_publish(campaign=later),
        "send a scheduled one now": lambda: control.campaign_send_now(campaign=scheduled),
        "resume": lambda: control.campaign_resume(campaign=paused),
    }
    for name, start in starts.items():
        problems = _refused(start)
        assert NO_BASE in problems.get("phoneNumberId", ""), name
    for campaign, status in ((draft, "draft"), (later, "draft"), (paused, "paused")):
        campaign.refresh_from_db()
        assert campaign.status == status


def test_a_schedule_firing_without_a_callback_base_pauses_with_the_reason(
    account, sms_sender, settings
):
    scheduled = put_in_state(_sms_campaign(account, sms_sender), "scheduled")
    settings.PUBLIC_BASE_URL = ""
    control.schedule_fired(campaign_id=scheduled.pk)
    scheduled.refresh_from_db()
    assert scheduled.status == Campaign.Status.PAUSED
    assert "PUBLIC_BASE_URL" in scheduled.status_reason


@pytest.mark.parametrize(
    ("base", "production", "problem"),
    [
        ("http://127.0.0.1:8000", False, ""),  # development and tests: loopback and http
        ("https://93.184.215.14", True, ""),
        ("http://93.184.215.14", True, "https"),
        ("https://127.0.0.1", True, "loopback"),
        ("https://10.1.2.3", True, "private"),
        ("https://my_host.example.com", False, "underscore"),
    ],
)
def test_the_callback_base_passes_the_url_guard(
    account, sms_sender, settings, base, production, problem
):
    settings.PUBLIC_BASE_URL = base
    if production:
        settings.OUTBOUND_ALLOW_LOOPBACK = False
        settings.OUTBOUND_ALLOW_HTTP = False
        settings.OUTBOUND_TRUSTED_HOSTS = []
    found = _problems(_sms_campaign(account, sms_sender)).get("phoneNumberId", "")
    if problem:
        assert "PUBLIC_BASE_URL" in found
        assert problem in found
    else:
        assert found == ""


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        ("a" * 1600, False),
        ("a" * 1601, True),
        ("€" * 800, False),
        ("€" * 801, True),  # 801 characters, 1,602 septets
        ("😀" * 800, False),
        ("😀" * 801, True),
    ],
)
def test_bodies_over_twilios_limit_are_refused(account, sms_sender, settings, body, refused):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    campaign = _sms_campaign(account, sms_sender, message_content=body)
    problem = _problems(campaign).get("message.content", "")
    assert ("21617" in problem) is refused
    if refused:
        assert _refused(lambda: control.campaign_publish(campaign=campaign))["message.content"]


def test_an_ab_variant_over_the_limit_is_named_by_its_path(account, sms_sender, settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    campaign = _sms_campaign(account, sms_sender, kind=Campaign.Type.AB_TEST)
    variant = campaign.variants.get(key="B")
    variant.message = {"type": "text", "content": "x" * 1700}
    variant.save(update_fields=["message"])
    problems = _problems(campaign)
    assert list(problems) == ["abTest.variants.1.message.content"]
    assert "1,700" in problems["abTest.variants.1.message.content"]


def test_other_channels_keep_their_own_rules(account, settings):
    settings.PUBLIC_BASE_URL = ""
    audience(account)
    sandbox = SenderFactory(account=account)
    campaign = campaign_of(account, Campaign.Type.BROADCAST, sender=sandbox, send_now=True)
    Campaign.objects.filter(pk=campaign.pk).update(message_content="a" * 2000)
    campaign.refresh_from_db()
    assert _problems(campaign) == {}


def test_the_api_validate_answer_carries_the_path(account, api, sms_sender, settings):
    settings.PUBLIC_BASE_URL = ""
    campaign = _sms_campaign(account, sms_sender, message_content="b" * 1601)
    answer = api.post(f"/api/campaigns/{campaign.pk}/validate").json()
    assert answer["valid"] is False
    assert {p["field"] for p in answer["problems"]} == {"phoneNumberId", "message.content"}


@pytest.mark.parametrize(
    ("url", "allow_http", "ok"),
    [
        ("", False, True),
        ("https://campaigns.example.com", False, True),
        ("https://campaigns.example.com:8443/base", False, True),
        ("http://campaigns.example.com", False, False),
        ("http://campaigns.example.com", True, True),
        ("campaigns.example.com", False, False),
        ("https://", False, False),
        ("https://u:p@campaigns.example.com", False, False),
        ("https://campaigns.example.com/?a=1", False, False),
        ("https://campaigns.example.com:port", False, False),
    ],
)
def test_public_base_url_shape(url, allow_http, ok):
    assert (public_base_url_problem(url, allow_http=allow_http) == "") is ok


def test_a_production_start_refuses_a_plain_http_public_base_url():
    refused = manage_check(SECRET_KEY=STRONG, PUBLIC_BASE_URL="http://campaigns.example.com")
    assert refused.returncode != 0
    assert "PUBLIC_BASE_URL is not usable" in refused.stderr
    started = manage_check(SECRET_KEY=STRONG, PUBLIC_BASE_URL="https://campaigns.example.com")
    assert started.returncode == 0, started.stderr
