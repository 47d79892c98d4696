"""The message step's SMS counter (an htmx fragment) and its refusal of over-long SMS bodies."""

from decimal import Decimal

import pytest
from django.utils.html import strip_tags

from campaigns.models import Campaign
from campaigns.wizard.forms import MessageForm
from messaging.models import Sender
from tests.factories import CampaignFactory, SenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_sender(account):
    return SenderFactory(
        account=account,
        name="Texts",
        channel=Sender.Channel.SMS,
        account_sid="AC1",
        auth_token="t",
        from_address="+15005550006",
        sms_segment_price=Decimal("0.00790"),
    )


@pytest.fixture
def draft(account, sms_sender):
    campaign = CampaignFactory(account=account, sender=sms_sender)
    Campaign.objects.filter(pk=campaign.pk).update(estimated_reach=1200)
    return campaign


def _count(client, campaign, sender, text: str):
    return client.post(
        f"/dashboard/campaigns/{campaign.pk}/wizard/sms-count/",
        {"message-sender": str(sender.pk), "message-message_content": text},
        HTTP_HX_REQUEST="true",
    )


def _words(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def test_counts_segments_and_cost_as_typed(wclient, draft, sms_sender):
    response = _count(wclient, draft, sms_sender, "a" * 161)
    assert response.status_code == 200
    text = _words(response)
    assert "161 characters · GSM-7 · 2 segments of up to 153" in text
    assert "0.0158 USD" in text  # 2 × 0.0079 a message
    assert "(2 × 0.0079)" in text
    assert "18.96 USD" in text  # for the 1,200 contacts last counted
    assert "1,200 contacts" in text


def test_names_the_characters_that_make_it_ucs2(wclient, draft, sms_sender):
    text = _words(_count(wclient, draft, sms_sender, "Sale – 20% off 😀"))
    assert "16 characters · UCS-2 · 1 segment of up to 70" in text
    assert "“–” “😀”" in text


def test_over_the_limit_says_so(wclient, draft, sms_sender):
    text = _count(wclient, draft, sms_sender, "€" * 801).content.decode()
    assert "data-sms-too-long" in text
    assert "21617" in text


def test_without_a_price_it_asks_for_one(wclient, draft, sms_sender):
    Sender.objects.filter(pk=sms_sender.pk).update(sms_segment_price=None)
    text = _count(wclient, draft, sms_sender, "Hello").content.decode()
    assert "Set a price per segment on the sender “Texts”" in text
    assert "USD" not in text


def test_nothing_for_other_channels_or_another_accounts_sender(
    wclient, draft, account, other_account
):
    whatsapp = SenderFactory(account=account, channel=Sender.Channel.WHATSAPP)
    theirs = SenderFactory(
        account=other_account,
        channel=Sender.Channel.SMS,
        from_address="+1",
        sms_segment_price=Decimal("1"),
    )
    for sender in (whatsapp, theirs):
        response = _count(wclient, draft, sender, "Hello")
        assert (response.status_code, response.content) == (200, b"")


def test_another_accounts_campaign_is_404(wclient, other_account, sms_sender):
    theirs = CampaignFactory(account=other_account)
    assert _count(wclient, theirs, sms_sender, "Hello").status_code == 404


def test_the_message_step_shows_the_counter_and_refuses_an_over_long_sms(
    account, draft, sms_sender
):
    data = {
        "message-sender": str(sms_sender.pk),
        "message-message_type": "text",
        "message-message_content": "x" * 1601,
    }
    form = MessageForm(data, prefix="message", account=account, campaign=draft)
    assert not form.is_valid()
    assert "21617" in " ".join(form.errors["message_content"])
    # the same text is fine from a sender of another channel
    data["message-sender"] = str(SenderFactory(account=account).pk)
    assert MessageForm(data, prefix="message", account=account, campaign=draft).is_valid()


def test_the_step_page_wires_the_counter(wclient, draft):
    page = wclient.get(f"/dashboard/campaigns/{draft.pk}/edit/")
    assert page.status_code == 200
    # the edit view opens on the first step; the message step is reached by a jump
    step = wclient.post(
        f"/dashboard/campaigns/{draft.pk}/edit/",
        {"wizard_goto_step": "message", f"campaign_wizard_{draft.pk}-current_step": "basics"},
    )
    html = step.content.decode()
    assert f'hx-post="/dashboard/campaigns/{draft.pk}/wizard/sms-count/"' in html
    assert "from:#id_message-message_content" in html
