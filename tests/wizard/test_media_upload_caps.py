"""The wizard's media upload: capped by MEDIA_UPLOAD_MAX_BYTES (issue 9, item 11), stored
publicly (providers fetch it) under a random name."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Campaign

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def at_message_step(new_wizard, audience_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = "https://campaigns.example.com"
    new_wizard.start()
    new_wizard.post("basics", {"name": "Caps", "type": "broadcast"})
    new_wizard.post("audience", {"audience_type": "all", "exclude_unsubscribed": "on"})
    return new_wizard


def _post_media(wizard, sender, content: bytes, name="photo.png", content_type="image/png"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return wizard.post(
        "message", {"sender": sender.pk, "message_type": "media", "media_file": upload}
    )


def test_an_upload_over_the_configured_limit_is_refused_and_nothing_is_stored(
    at_message_step, audience_data, settings
):
    # given a limit of 1 KB, below the 5 MB WhatsApp allows for an image
    settings.MEDIA_UPLOAD_MAX_BYTES = 1024
    # when a 2 KB picture is uploaded
    r = _post_media(at_message_step, audience_data["sender"], PNG + b"\x00" * 2048)
    # then the step says so and keeps nothing
    assert "The image is 2.1 KB; the limit is 1 KB." in r.content.decode()
    assert Campaign.objects.get(name="Caps").media_urls == []
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_document_is_capped_by_the_setting_below_the_provider_limit(
    at_message_step, audience_data, settings
):
    # given the default limit (16 MB), under WhatsApp's 100 MB for documents
    document = b"%PDF-1.4\n" + b"0" * (17 << 20)
    r = _post_media(
        at_message_step, audience_data["sender"], document, "menu.pdf", "application/pdf"
    )
    assert "the limit is 16 MB" in r.content.decode()
    assert Campaign.objects.get(name="Caps").media_urls == []


def test_an_accepted_upload_gets_a_random_public_name(at_message_step, audience_data, settings):
    r = _post_media(at_message_step, audience_data["sender"], PNG, name="summer-sale.png")
    assert r.status_code == 200
    [url] = Campaign.objects.get(name="Caps").media_urls
    match = re.fullmatch(
        r"https://campaigns\.example\.com/media/campaign-media/\d{4}/\d{2}/([0-9a-f]{32})\.png",
        url,
    )
    assert match, url
    assert "summer" not in url
    stored = Path(settings.MEDIA_ROOT) / url.split("/media/", 1)[1]
    assert stored.read_bytes() == PNG
