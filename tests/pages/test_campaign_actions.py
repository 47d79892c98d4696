"""Per-campaign actions through the pages: each calls the lifecycle service and says so."""

from django.urls import reverse

from campaigns.models import Campaign, CampaignActivity
from tests.factories import CampaignFactory


def _post(client, campaign, action, **data):
    return client.post(reverse("campaigns:action", args=[campaign.pk, action]), data, follow=True)


def test_publish_a_ready_draft_runs_it(as_role, draft):
    response = _post(as_role("marketer"), draft, "publish")
    draft.refresh_from_db()
    assert draft.status == "running"
    assert "published" in response.content.decode()
    assert CampaignActivity.objects.filter(campaign=draft, action="publish").exists()


def test_publish_of_an_incomplete_draft_explains_and_keeps_it_draft(as_role, account):
    incomplete = CampaignFactory(account=account, sender=None, message_content="")
    response = _post(as_role("marketer"), incomplete, "publish")
    incomplete.refresh_from_db()
    assert incomplete.status == "draft"
    body = response.content.decode()
    assert "message-error" in body
    assert "Choose the sender" in body


def test_pause_and_resume_from_the_list_return_to_the_same_list(as_role, running):
    client = as_role("manager")
    back = reverse("campaigns:list") + "?status=running&sort=name"

    response = client.post(reverse("campaigns:action", args=[running.pk, "pause"]), {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    running.refresh_from_db()
    assert running.status == "paused"

    _post(client, running, "resume")
    running.refresh_from_db()
    assert running.status == "running"


def test_an_action_the_status_does_not_allow_is_a_message_not_a_change(as_role, running):
    response = _post(as_role("owner"), running, "delete")
    running.refresh_from_db()
    assert running.deleted_at is None
    assert "cannot be deleted" in response.content.decode()


def test_unsafe_next_urls_are_ignored(as_role, running):
    response = as_role("owner").post(
        reverse("campaigns:action", args=[running.pk, "pause"]),
        {"next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("campaigns:detail", args=[running.pk])


def test_duplicate_opens_the_new_draft(as_role, running):
    response = as_role("marketer").post(reverse("campaigns:action", args=[running.pk, "duplicate"]))
    copy = Campaign.objects.exclude(pk=running.pk).get()
    assert copy.status == "draft"
    assert copy.name == "Summer launch (copy)"
    assert response["Location"] == reverse("campaigns:detail", args=[copy.pk])


def test_delete_shows_in_deleted_view_and_restore_brings_it_back(as_role, draft):
    client = as_role("marketer")

    response = _post(client, draft, "delete")

    draft.refresh_from_db()
    assert draft.deleted_at is not None
    assert response.redirect_chain[-1][0] == reverse("campaigns:list")
    assert "Spring sale" not in [c.name for c, _ in response.context["rows"]]
    deleted = client.get(reverse("campaigns:list"), {"view": "deleted"}).content.decode()
    assert "Spring sale" in deleted
    assert 'data-action="restore"' in deleted

    _post(client, draft, "restore", next=reverse("campaigns:list") + "?view=deleted")

    draft.refresh_from_db()
    assert draft.deleted_at is None
    listing = client.get(reverse("campaigns:list")).content.decode()
    assert "Spring sale" in listing


def test_actions_need_a_post(as_role, draft):
    response = as_role("owner").get(reverse("campaigns:action", args=[draft.pk, "publish"]))
    assert response.status_code == 405
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_non_draft_edit_page_redirects_to_details(as_role, running):
    response = as_role("marketer").get(reverse("campaigns:edit", args=[running.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("campaigns:detail", args=[running.pk])
    assert "Only drafts can be edited" in response.content.decode()
