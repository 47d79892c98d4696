"""Every URL a user sets on a campaign or a template passes the URL guard: the API answers 422
with the field's path, the admin shows the error on the field, and publish checks again."""

import json

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from templates_app.models import MessageTemplate
from tests.admin.formdata import change_form_data
from tests.factories import CampaignFactory, MessageTemplateFactory

pytestmark = pytest.mark.django_db

METADATA = "https://169.254.169.254/latest/meta-data/"


def _post(api, url, body):
    return api.post(url, json.dumps(body), content_type="application/json")


def _fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("part", "field"),
    [
        ({"webhookUrl": METADATA}, "webhookUrl"),
        ({"trackingUrl": "https://[::1]/t"}, "trackingUrl"),
        ({"trackingUrl": "http://shop.example.com/t"}, "trackingUrl"),
        ({"message": {"type": "media", "mediaUrls": ["https://10.1.2.3/a.png"]}}, "message"),
        (
            {
                "message": {
                    "type": "interactive",
                    "content": "Hi",
                    "buttons": [{"text": "Go", "type": "url", "value": "https://0x7f.1/"}],
                }
            },
            "message.buttons.0.value",
        ),
    ],
)
def test_the_campaign_api_refuses_forbidden_urls_with_the_field(
    api, account, outbound_production, part, field
):
    response = _post(api, "/api/campaigns", {"name": "Links", "type": "broadcast", **part})
    assert response.status_code == 422
    assert any(f == field or f.startswith(field + ".") for f in _fields(response)), response.json()
    assert not Campaign.objects.filter(account=account).exists()


def test_an_ab_variants_media_link_is_checked_with_its_path(api, account, outbound_production):
    variant = {"id": "A", "name": "A", "splitPercentage": 50}
    body = {
        "name": "Variants",
        "type": "ab-test",
        "abTest": {
            "enabled": True,
            "variants": [
                {**variant, "message": {"type": "media", "mediaUrls": ["https://[fd00::1]/v.mp4"]}},
                {**variant, "id": "B", "name": "B", "message": {"type": "text", "content": "x"}},
            ],
        },
    }
    response = _post(api, "/api/campaigns", body)
    assert response.status_code == 422
    assert any("mediaUrls" in f and f.startswith("abTest.variants.0") for f in _fields(response))


def test_publish_checks_stored_links_again(api, account, outbound_production):
    # given a campaign whose links were saved before the guard (straight into the database)
    campaign = CampaignFactory(
        account=account,
        media_urls=["https://cdn.example.com/ok.png", "http://169.254.169.254/x.png"],
        buttons=[{"type": "url", "text": "Go", "value": "https://localhost/admin"}],
        webhook_url="https://metadata.google.internal/",
    )
    # when it is validated (what the review and publish run)
    body = api.post(f"/api/campaigns/{campaign.pk}/validate").json()
    # then each link is a problem on its own path
    fields = {p["field"] for p in body["problems"]}
    assert {"message.mediaUrls.1", "message.buttons.0.value", "webhookUrl"} <= fields
    assert body["valid"] is False


def test_the_template_api_refuses_forbidden_media_and_button_urls(
    api, account, outbound_production
):
    body = {
        "name": "spring_sale",
        "category": "marketing",
        "language": "en",
        "header": {"type": "image", "text": "", "mediaUrl": "https://192.168.0.10/banner.png"},
        "body": "Hi {{1}}",
        "buttons": [{"type": "url", "text": "Shop", "value": "https://[::ffff:7f00:1]/{{1}}"}],
        "variables": [{"name": "1", "example": "Ada"}],
    }
    response = _post(api, "/api/campaign-templates", body)
    assert response.status_code == 422
    assert {"header.mediaUrl", "buttons.0.value"} <= set(_fields(response))
    assert not MessageTemplate.objects.filter(account=account).exists()


def test_the_campaign_admin_refuses_forbidden_urls_on_their_fields(
    admin_client, account, outbound_production
):
    campaign = CampaignFactory(account=account)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = change_form_data(
        admin_client.get(url),
        tracking_url="https://10.0.0.1/t",
        media_urls=json.dumps(["https://169.254.169.254/a.png"]),
        buttons=json.dumps([{"type": "url", "text": "Go", "value": "https://[::1]/"}]),
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"tracking_url", "media_urls", "buttons"} <= set(errors)
    assert "mediaUrls.0: " in errors["media_urls"][0]
    campaign.refresh_from_db()
    assert campaign.tracking_url == ""
    assert campaign.media_urls == []


def test_the_template_admin_refuses_a_forbidden_header_media_url(
    admin_client, account, outbound_production
):
    template = MessageTemplateFactory(account=account)
    url = reverse("admin:templates_app_messagetemplate_change", args=[template.pk])
    data = change_form_data(admin_client.get(url), header_media_url="https://0.0.0.0/x.png")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "header_media_url" in response.context["adminform"].form.errors
