"""Another account's campaign is a 404 on every campaign page and action, and stays as it was."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from tests.factories import CampaignFactory


@pytest.mark.parametrize("role", ["owner", "manager", "marketer"])
def test_another_accounts_campaign_is_not_found_on_pages(as_role, role, foreign_campaign):
    client = as_role(role)
    for name in ("campaigns:detail", "campaigns:edit", "campaigns:preview"):
        response = client.get(reverse(name, args=[foreign_campaign.pk]))
        assert response.status_code == 404, name
        assert b"Rival secret plan" not in response.content
        assert b"Page not found" in response.content


def test_viewer_gets_the_same_answer_for_any_campaign_id(as_role, draft, foreign_campaign):
    # A viewer may edit nothing: every edit page is refused alike, so the answer confirms
    # nothing about which ids exist; the details page is the usual 404.
    client = as_role("viewer")
    own = client.get(reverse("campaigns:edit", args=[draft.pk]))
    foreign = client.get(reverse("campaigns:edit", args=[foreign_campaign.pk]))
    assert own.status_code == foreign.status_code == 403
    assert client.get(reverse("campaigns:detail", args=[foreign_campaign.pk])).status_code == 404


@pytest.mark.parametrize("action", ["publish", "pause", "duplicate", "delete", "restore"])
def test_another_accounts_campaign_is_not_found_on_actions(as_role, action, foreign_campaign):
    client = as_role("owner")
    response = client.post(reverse("campaigns:action", args=[foreign_campaign.pk, action]))
    assert response.status_code == 404
    foreign_campaign.refresh_from_db()
    assert foreign_campaign.status == "draft"
    assert foreign_campaign.deleted_at is None
    assert Campaign.objects.filter(account=foreign_campaign.account).count() == 1


def test_edit_post_to_another_accounts_campaign_changes_nothing(as_role, foreign_campaign):
    client = as_role("owner")
    response = client.post(
        reverse("campaigns:edit", args=[foreign_campaign.pk]),
        {"name": "Taken over", "type": "broadcast"},
    )
    assert response.status_code == 404
    foreign_campaign.refresh_from_db()
    assert foreign_campaign.name == "Rival secret plan"


def test_list_shows_only_the_current_accounts_campaigns(as_role, draft, foreign_campaign):
    body = as_role("viewer").get(reverse("campaigns:list")).content.decode()
    assert "Spring sale" in body
    assert "Rival secret plan" not in body


def test_unknown_campaign_id_and_unknown_action_are_not_found(as_role, draft):
    client = as_role("owner")
    assert client.get(reverse("campaigns:detail", args=[999999])).status_code == 404
    response = client.post(reverse("campaigns:action", args=[draft.pk, "explode"]))
    assert response.status_code == 404


def test_deleted_campaign_details_are_not_found_but_it_can_be_restored(as_role, account):
    campaign = CampaignFactory(account=account, name="Old promo")
    client = as_role("marketer")
    client.post(reverse("campaigns:action", args=[campaign.pk, "delete"]))

    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404
    response = client.post(reverse("campaigns:action", args=[campaign.pk, "publish"]))
    assert response.status_code == 404
    response = client.post(reverse("campaigns:action", args=[campaign.pk, "restore"]))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.deleted_at is None
    assert campaign.status == "draft"
