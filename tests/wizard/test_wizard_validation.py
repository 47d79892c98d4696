"""Each step refuses bad or tampered input with a clear message, and saves nothing then."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Campaign
from tests.factories import CampaignFactory, SegmentFactory, SenderFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def at_message_step(new_wizard, audience_data):
    new_wizard.start()
    new_wizard.post("basics", {"name": "Checks", "type": "broadcast"})
    new_wizard.post("audience", {"audience_type": "all", "exclude_unsubscribed": "on"})
    return new_wizard


def test_name_must_be_unique_in_the_account(account, new_wizard):
    CampaignFactory(account=account, name="Taken")
    new_wizard.start()
    r = new_wizard.post("basics", {"name": "taken", "type": "broadcast"})
    assert b"Another campaign already has this name." in r.content
    assert Campaign.objects.filter(account=account).count() == 1


def test_same_name_in_another_account_is_fine(other_account, new_wizard):
    CampaignFactory(account=other_account, name="Shared name")
    new_wizard.start()
    r = new_wizard.post("basics", {"name": "Shared name", "type": "broadcast"})
    assert b"Step 2 of 6" in r.content


def test_another_accounts_segment_is_an_invalid_choice(other_account, new_wizard, audience_data):
    foreign = SegmentFactory(account=other_account)
    new_wizard.start()
    new_wizard.post("basics", {"name": "Tampered", "type": "broadcast"})
    r = new_wizard.post("audience", {"audience_type": "segment", "segments": [foreign.pk]})
    assert r.status_code == 200
    assert b"Select a valid choice" in r.content
    assert not Campaign.objects.get(name="Tampered").segments.exists()


def test_another_accounts_sender_is_refused(other_account, at_message_step):
    foreign = SenderFactory(account=other_account)
    r = at_message_step.post(
        "message", {"sender": foreign.pk, "message_type": "text", "message_content": "Hi"}
    )
    assert b"Select a valid choice" in r.content
    assert Campaign.objects.get(name="Checks").sender_id is None


def test_wrong_file_type_is_refused(at_message_step, audience_data):
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/x-msdownload")
    r = at_message_step.post(
        "message",
        {"sender": audience_data["sender"].pk, "message_type": "media", "media_file": upload},
    )
    assert b"This file type cannot be sent" in r.content
    assert Campaign.objects.get(name="Checks").media_urls == []


def test_renamed_file_is_refused_by_its_content(at_message_step, audience_data):
    upload = SimpleUploadedFile("photo.png", b"not a png at all", content_type="image/png")
    r = at_message_step.post(
        "message",
        {"sender": audience_data["sender"].pk, "message_type": "media", "media_file": upload},
    )
    assert b"content is not a .png file" in r.content


def test_oversized_image_is_refused(at_message_step, audience_data):
    upload = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 << 20), content_type="image/png")
    r = at_message_step.post(
        "message",
        {"sender": audience_data["sender"].pk, "message_type": "media", "media_file": upload},
    )
    assert b"the limit is 5 MB" in r.content
    assert Campaign.objects.get(name="Checks").media_urls == []


def test_uploaded_image_is_kept_in_permanent_storage(
    at_message_step, audience_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    r = at_message_step.post(
        "message",
        {"sender": audience_data["sender"].pk, "message_type": "media", "media_file": upload},
    )
    assert b"Step 4 of 6" in r.content
    [url] = Campaign.objects.get(name="Checks").media_urls
    assert url.startswith("https://campaigns.example.com/media/campaign-media/")
    stored = tmp_path / url.split("/media/", 1)[1]
    assert stored.read_bytes() == PNG


def test_broken_markup_is_an_inline_error(at_message_step, audience_data):
    r = at_message_step.post(
        "message",
        {
            "sender": audience_data["sender"].pk,
            "message_type": "text",
            "message_content": "Hi {% if vip %}friend",
        },
    )
    assert r.status_code == 200
    assert b"Step 3 of 6" in r.content
    assert Campaign.objects.get(name="Checks").message_content == ""


def test_url_button_needs_an_address(at_message_step, audience_data):
    r = at_message_step.post(
        "message",
        {
            "sender": audience_data["sender"].pk,
            "message_type": "interactive",
            "message_content": "Pick one",
            "button_0_type": "url",
            "button_0_text": "Shop",
            "button_0_value": "javascript:alert(1)",
        },
    )
    assert b"A URL button needs an http(s) address." in r.content


def test_scheduling_in_the_past_is_refused(new_wizard, audience_data):
    new_wizard.start()
    new_wizard.post("basics", {"name": "Past", "type": "broadcast"})
    r = new_wizard.goto("basics", "scheduling")
    r = new_wizard.post(
        "scheduling",
        {"when": "later", "start_date": "2020-01-01T10:00", "timezone": "UTC", "frequency": "once"},
    )
    assert b"This time has already passed." in r.content
    assert Campaign.objects.get(name="Past").send_now is True


def test_a_later_step_before_basics_saves_nothing(account, new_wizard):
    new_wizard.start()
    r = new_wizard.post("audience", {"audience_type": "all"})
    assert r.status_code == 200
    assert b"Start with the basics" in r.content
    assert not Campaign.objects.filter(account=account).exists()


def test_tampered_management_form_is_a_400_not_a_500(new_wizard):
    new_wizard.start()
    r = new_wizard.client.post(new_wizard.url, {"basics-name": "x"})
    assert r.status_code == 400


def test_ab_test_gets_a_variants_step_whose_shares_must_add_up(new_wizard, audience_data):
    new_wizard.start()
    r = new_wizard.post("basics", {"name": "AB", "type": "ab-test"})
    assert b"Step 2 of 7" in r.content
    r = new_wizard.goto("audience", "variants")
    r = new_wizard.post(
        "variants",
        {
            "winner_criteria": "clicks",
            "variant_0_content": "Version A",
            "variant_0_split": 50,
            "variant_1_content": "Version B",
            "variant_1_split": 40,
        },
    )
    assert b"The shares add up to 90%; make them 100%." in r.content
    assert not Campaign.objects.get(name="AB").variants.exists()
    new_wizard.post(
        "variants",
        {
            "winner_criteria": "clicks",
            "variant_0_content": "Version A",
            "variant_0_split": 50,
            "variant_1_content": "Version B",
            "variant_1_split": 50,
        },
    )
    keys = list(Campaign.objects.get(name="AB").variants.values_list("key", "split_percentage"))
    assert keys == [("A", 50), ("B", 50)]


def test_viewer_cannot_open_the_wizard(client, viewer):
    client.force_login(viewer)
    assert client.get("/dashboard/campaigns/create/").status_code == 403


def test_editing_another_accounts_draft_is_404(wclient, other_account):
    foreign = CampaignFactory(account=other_account)
    assert wclient.get(f"/dashboard/campaigns/{foreign.pk}/edit/").status_code == 404


def test_edit_opens_the_draft_prefilled_and_resumes(account, wclient, audience_data):
    draft = CampaignFactory(account=account, name="Resume me", sender=audience_data["sender"])
    r = wclient.get(f"/dashboard/campaigns/{draft.pk}/edit/")
    assert b'value="Resume me"' in r.content
    prefix = f"campaign_wizard_{draft.pk}"
    r = wclient.post(
        f"/dashboard/campaigns/{draft.pk}/edit/",
        {
            f"{prefix}-current_step": "basics",
            "wizard_goto_step": "message",
            "basics-name": "Resume me",
            "basics-type": "broadcast",
        },
    )
    assert draft.message_content.encode() in r.content


def test_edit_of_a_running_campaign_redirects_to_details(account, wclient):
    running = CampaignFactory(account=account, status=Campaign.Status.RUNNING)
    r = wclient.get(f"/dashboard/campaigns/{running.pk}/edit/")
    assert r.status_code == 302
    assert r["Location"].endswith(f"/dashboard/campaigns/{running.pk}/")


def test_drip_is_saved_but_publishing_it_is_refused_with_a_reason(
    account, new_wizard, audience_data
):
    assert b"sending sequences is not available yet" in new_wizard.start().content
    new_wizard.post("basics", {"name": "Onboarding", "type": "drip"})
    r = new_wizard.goto("audience", "sequence")
    assert b"Sending sequences is not available yet" in r.content
    new_wizard.post(
        "sequence",
        {
            "step_0_delay": 0,
            "step_0_content": "Welcome!",
            "step_1_delay": 24,
            "step_1_content": "Day two",
        },
    )
    campaign = Campaign.objects.get(name="Onboarding")
    assert list(campaign.workflow.values_list("delay_hours", flat=True)) == [0, 24]
    from campaigns.validation import validate_campaign

    problems = validate_campaign(campaign=campaign).problems
    assert any("Sending drip campaigns is not available yet" in p.message for p in problems)
