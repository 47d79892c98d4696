"""Every page renders for every role; viewers see no write control and cannot write."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign, CampaignActivity
from tests.factories import CampaignFactory
from tests.pages.conftest import ROLES, WRITE_ROLES

WRITE_MARKERS = ("data-action=", "New campaign", "/edit/")


def _pages(campaign):
    return [
        reverse("campaigns:list"),
        reverse("campaigns:list") + "?view=deleted",
        reverse("campaigns:list") + "?status=draft&q=Spring&sort=name",
        reverse("campaigns:detail", args=[campaign.pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_each_role(as_role, role, draft, running):
    # given a member of the account with this role
    client = as_role(role)
    # when they open each page, then each renders with the account's campaigns
    for url in _pages(draft):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Campaigns" in response.content


@pytest.mark.parametrize("role", WRITE_ROLES)
def test_writers_see_the_controls_their_role_allows(as_role, role, draft, running):
    client = as_role(role)

    listing = client.get(reverse("campaigns:list")).content.decode()
    detail = client.get(reverse("campaigns:detail", args=[draft.pk])).content.decode()
    running_detail = client.get(reverse("campaigns:detail", args=[running.pk])).content.decode()

    assert "New campaign" in listing
    assert 'data-action="publish"' in detail
    assert reverse("campaigns:edit", args=[draft.pk]) in detail
    assert 'data-action="pause"' in running_detail
    assert 'data-action="delete"' not in running_detail  # running cannot be deleted
    assert reverse("campaigns:edit", args=[running.pk]) not in running_detail


def test_viewer_sees_no_write_control(as_role, draft, running):
    client = as_role("viewer")
    for url in _pages(draft) + [reverse("campaigns:detail", args=[running.pk])]:
        body = client.get(url).content.decode()
        for marker in WRITE_MARKERS:
            assert marker not in body, (url, marker)
    assert reverse("accounts:api_keys") not in body


def test_viewer_is_refused_every_write_and_nothing_changes(as_role, draft, running):
    # given a viewer, a draft, a running campaign and a deleted one
    gone = CampaignFactory(account=draft.account, name="Gone", status="draft")
    gone.deleted_at = gone.created_at
    gone.save(update_fields=["deleted_at"])
    client = as_role("viewer")
    before = {
        c.pk: (c.status, c.deleted_at, c.name)
        for c in Campaign.objects.filter(account=draft.account)
    }
    posts = [
        (reverse("campaigns:action", args=[draft.pk, "publish"]), {}),
        (reverse("campaigns:action", args=[draft.pk, "delete"]), {}),
        (reverse("campaigns:action", args=[draft.pk, "duplicate"]), {}),
        (reverse("campaigns:action", args=[running.pk, "pause"]), {}),
        (reverse("campaigns:action", args=[gone.pk, "restore"]), {}),
        (reverse("campaigns:edit", args=[draft.pk]), {"name": "Hacked", "type": "broadcast"}),
        (reverse("campaigns:create"), {"name": "Sneaky", "type": "broadcast"}),
    ]
    # when the viewer posts each write
    for url, data in posts:
        response = client.post(url, data)
        # then each is refused with the 403 page
        assert response.status_code == 403, url
        assert b"Not allowed" in response.content
    # and nothing changed
    after = {
        c.pk: (c.status, c.deleted_at, c.name)
        for c in Campaign.objects.filter(account=draft.account)
    }
    assert after == before
    assert not CampaignActivity.objects.exists()


def test_viewer_cannot_open_write_only_pages(as_role, draft):
    client = as_role("viewer")
    assert client.get(reverse("campaigns:edit", args=[draft.pk])).status_code == 403
    assert client.get(reverse("campaigns:create")).status_code == 403
    assert client.get(reverse("accounts:api_keys")).status_code == 403


@pytest.mark.parametrize("role", WRITE_ROLES)
def test_edit_and_create_pages_render_for_writers(as_role, role, draft):
    client = as_role(role)
    edit = client.get(reverse("campaigns:edit", args=[draft.pk]))
    create = client.get(reverse("campaigns:create"))
    assert edit.status_code == 200
    assert 'value="Spring sale"' in edit.content.decode()
    assert create.status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["campaigns:list", "campaigns:create", "accounts:api_keys"],
)
def test_anonymous_visitor_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_anonymous_visitor_is_sent_to_login_from_campaign_pages(client, draft):
    for url in (
        reverse("campaigns:detail", args=[draft.pk]),
        reverse("campaigns:edit", args=[draft.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("campaigns:action", args=[draft.pk, "publish"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_user_without_account_gets_an_explanation(client, django_user_model):
    lonely = django_user_model.objects.create_user(username="lonely", password="x-pass-123")
    client.force_login(lonely)
    response = client.get(reverse("campaigns:list"))
    assert response.status_code == 403
    assert b"not a member of any account" in response.content
