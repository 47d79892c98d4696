"""Small claims of the pages that must be true: the API docs name a page its readers can
reach, a placeholder number passes our own phone check, filters read as sentences."""

import re

import pytest
from django.urls import resolve, reverse

from accounts.models import ROLE_PERMISSIONS, Role
from audience.phones import phone_normalise
from tests.factories import AttributeDefinitionFactory, CampaignFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_the_api_docs_send_readers_to_a_page_that_exists_for_the_roles_named(
    client, account, make_member
):
    description = client.get("/api/openapi.json").json()["info"]["description"]
    assert "Settings" not in description  # there is no settings page
    path = re.search(r"`(/[^`]+/)`", description).group(1)
    assert resolve(path).view_name == "accounts:api_keys"
    assert path == reverse("accounts:api_keys")
    # the roles the text says can create keys are exactly those the page lets in
    for role in Role:
        can_open = "manage" in ROLE_PERMISSIONS[role]
        client.force_login(make_member(account, role))
        status = client.get(path).status_code
        assert (status == 200) == can_open, role
        named = role.label.lower() + "s" if not can_open else role.label.lower()
        assert named in description, role


@pytest.mark.parametrize("region", ["US", "GB", "FR", "DE", "BR", "IN"])
def test_the_test_contact_placeholder_is_a_number_we_accept(logged_in_client, account, region):
    account.default_phone_region = region
    account.save(update_fields=["default_phone_region"])
    campaign = CampaignFactory(account=account)
    html = logged_in_client.get(reverse("campaigns:preview", args=[campaign.pk])).content.decode()
    placeholder = re.search(r'id="test-phone"[^>]*placeholder="([^"]+)"', html).group(1)
    # the number our own check would take, written for this account's region
    phone_normalise(placeholder, region=region)
    # and the form takes it too: once a contact has it, adding it as a test contact works
    ContactFactory(account=account, phone=phone_normalise(placeholder, region=region))
    response = logged_in_client.post(
        reverse("campaigns:test_contacts", args=[campaign.pk]), {"phone": placeholder}, follow=True
    )
    assert "not a valid" not in response.content.decode().lower()
    assert account.test_contacts.count() == 1


def test_the_details_page_reads_custom_filters_as_a_sentence(logged_in_client, account):
    AttributeDefinitionFactory(account=account, key="city", label="City", type="text")
    AttributeDefinitionFactory(
        account=account, key="lifetime_value", label="Lifetime value", type="number"
    )
    campaign = CampaignFactory(
        account=account,
        audience_type="custom",
        custom_filters={
            "op": "and",
            "rules": [
                {"field": "attributes.city", "operator": "eq", "value": "Paris"},
                {
                    "op": "or",
                    "rules": [
                        {"field": "attributes.lifetime_value", "operator": "gt", "value": 100},
                        {"field": "tags", "operator": "has_any", "value": ["vip"]},
                    ],
                },
            ],
        },
    )
    html = logged_in_client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    sentence = re.search(r"<span data-filter-sentence>(.*?)</span>", html).group(1)
    assert sentence == "City is Paris and (Lifetime value is more than 100 or has tag vip)"
    assert "&quot;operator&quot;" not in html
    assert '"operator"' not in html
