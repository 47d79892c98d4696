"""An account-level refusal pauses the campaign at its first occurrence, in plain words, and
burns nobody: the recipients stay claimable and go out once on resume.

The refusals are real HTTP answers of the loopback stand-in in each provider's documented
shape (``tests/messaging/test_account_errors.py`` checks them against Meta's description,
pywa and the twilio SDK).
"""

from collections import Counter

import pytest

from campaigns.models import Campaign
from delivery import control
from delivery.models import CampaignError, Recipient
from messaging.models import Sender
from tests.delivery.helpers import drain, running_campaign, statuses
from tests.factories import SenderFactory
from tests.messaging.test_account_errors import ACCOUNT_LEVEL, graph_error, twilio_error

S = Recipient.Status


def _resume_and_drain(campaign, provider, django_capture_on_commit_callbacks):
    provider.respond_with = None
    provider.errors_for.clear()
    with django_capture_on_commit_callbacks(execute=True):
        control.campaign_resume(campaign=campaign)
    drain(campaign)


def _sent_once(provider) -> bool:
    ok = [r for r in provider.requests if r.status in (200, 201)]
    keys = Counter(r.callback_data or r.to for r in ok)
    return set(keys.values()) == {1}


@pytest.mark.parametrize(("status", "body", "key", "words"), ACCOUNT_LEVEL)
def test_a_whatsapp_account_error_pauses_with_its_reason_and_keeps_everyone(
    account,
    wa_sender,
    provider,
    settings,
    django_capture_on_commit_callbacks,
    status,
    body,
    key,
    words,
):
    # given: a campaign of 12 in batches of 5, and WhatsApp refusing the account
    settings.CAMPAIGNS_BATCH_SIZE = 5
    provider.respond_with = (status, body)
    campaign = running_campaign(account, wa_sender, 12)

    # when the pipeline runs
    drain(campaign)

    # then it paused at the first chunk, saying what is wrong in words and which sender
    assert campaign.status == Campaign.Status.PAUSED
    assert "Shop number" in campaign.status_reason
    assert words in campaign.status_reason
    assert str(body["error"]["code"]) in campaign.status_reason
    assert len(provider.requests) <= 5
    # and nobody failed: everyone is claimable again, no attempt counted
    assert statuses(campaign) == {"queued": 12}
    assert set(Recipient.objects.filter(campaign=campaign).values_list("attempts", flat=True)) == {
        0
    }
    log = CampaignError.objects.get(campaign=campaign)
    assert (log.error_type, log.count) == (key, len(provider.requests))

    # when the account is fixed and the campaign resumed, everyone is sent once
    _resume_and_drain(campaign, provider, django_capture_on_commit_callbacks)
    assert statuses(campaign) == {"sent": 12}
    assert _sent_once(provider)


def test_an_account_error_in_the_middle_of_a_chunk_keeps_its_recipient_claimable(
    account, wa_sender, provider, settings, django_capture_on_commit_callbacks
):
    # given: the provider sends to everyone but refuses one message with "account locked"
    settings.CAMPAIGNS_BATCH_SIZE = 4
    campaign = running_campaign(account, wa_sender, 4)
    refused = Recipient.objects.filter(campaign=campaign).select_related("contact").last()
    _, body, _, _ = next(case for case in ACCOUNT_LEVEL if case[2] == "account_locked")
    provider.errors_for[refused.contact.phone] = (400, body)

    # when
    drain(campaign)

    # then: the others went out, the refused one waits for the resume, unburnt
    assert campaign.status == Campaign.Status.PAUSED
    assert statuses(campaign) == {"sent": 3, "queued": 1}
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == (S.QUEUED, 0)
    assert refused.error_code == "131031"
    assert refused.error_title == "Business Account locked"

    _resume_and_drain(campaign, provider, django_capture_on_commit_callbacks)
    assert statuses(campaign) == {"sent": 4}
    assert _sent_once(provider)


def test_a_bad_parameter_that_is_not_the_number_id_fails_only_its_recipient(
    account, wa_sender, provider, settings
):
    settings.CAMPAIGNS_BATCH_SIZE = 5
    campaign = running_campaign(account, wa_sender, 3)
    bad = Recipient.objects.filter(campaign=campaign).select_related("contact").first()
    provider.errors_for[bad.contact.phone] = (
        400,
        graph_error(100, "(#100) Invalid parameter", subcode=2494010),
    )

    drain(campaign)

    assert campaign.status == Campaign.Status.COMPLETED
    assert statuses(campaign) == {"sent": 2, "failed": 1}


@pytest.fixture
def sms_sender(account, provider, settings):
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    return SenderFactory(
        account=account,
        name="Shop SMS",
        channel=Sender.Channel.SMS,
        phone_number_id="sms-shop",
        api_base_url=provider.url,
        account_sid="AC" + "1" * 32,
        auth_token="twilio-auth-token",
        from_address="+15005550006",
        rate_limit_per_second=0,
    )


@pytest.mark.parametrize(
    ("answer", "key", "words"),
    [
        (twilio_error(401, 20003, "Authenticate"), "auth_failed", "auth token"),
        (
            twilio_error(
                400,
                21606,
                "The 'From' phone number provided (+15005550006) is not a valid "
                "message-capable Twilio phone number for this destination.",
            ),
            "bad_from",
            "From number",
        ),
    ],
)
def test_an_sms_account_error_pauses_with_its_reason_and_keeps_everyone(
    account, sms_sender, provider, settings, django_capture_on_commit_callbacks, answer, key, words
):
    settings.CAMPAIGNS_BATCH_SIZE = 5
    provider.respond_with = answer
    campaign = running_campaign(account, sms_sender, 8)

    drain(campaign)

    assert campaign.status == Campaign.Status.PAUSED
    assert "Shop SMS" in campaign.status_reason
    assert words in campaign.status_reason
    assert statuses(campaign) == {"queued": 8}
    assert CampaignError.objects.get(campaign=campaign).error_type == key
    assert len(provider.requests) <= 5

    _resume_and_drain(campaign, provider, django_capture_on_commit_callbacks)
    assert statuses(campaign) == {"sent": 8}
    assert _sent_once(provider)
