"""Approval of a template comes from a review by an owner or manager, never from an edit.

Every path (the editor page, the API, the admin) and every role.
"""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import api_key_create
from templates_app.models import MessageTemplate, TemplateReview
from templates_app.services import template_data as document_of
from tests.admin.formdata import change_form_data
from tests.factories import MembershipFactory, MessageTemplateFactory, UserFactory
from tests.templates_app.test_pages import editor_post

API = "/api/campaign-templates"
REVIEWERS = [Role.OWNER, Role.MANAGER]
NOT_REVIEWERS = [Role.MARKETER, Role.VIEWER]


@pytest.fixture
def pending(account):
    return MessageTemplateFactory(account=account, name="spring_offer", status="pending")


@pytest.fixture
def approved(account):
    return MessageTemplateFactory(account=account, name="autumn_offer", status="approved")


@pytest.fixture
def as_role(account, make_member):
    def login(role):
        client = Client()
        user = make_member(account, role)
        client.force_login(user)
        client.user = user
        return client

    return login


def api_client(account, role) -> Client:
    _, raw = api_key_create(account=account, name=f"{role} key", role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post_json(client, url, data=None):
    body = json.dumps(data) if data is not None else ""
    return client.post(url, body, content_type="application/json")


def status_of(template) -> str:
    return MessageTemplate.objects.get(pk=template.pk).status


# --- the editor page ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [*REVIEWERS, Role.MARKETER])
@pytest.mark.parametrize("status", ["approved", "rejected"])
def test_the_editor_cannot_create_a_reviewed_template(as_role, role, status):
    response = as_role(role).post(reverse("templates:create"), editor_post(status=status))

    assert response.status_code == 422
    assert "by an owner or manager" in response.content.decode()
    assert not MessageTemplate.objects.filter(name="welcome_back").exists()


@pytest.mark.parametrize("role", [*REVIEWERS, Role.MARKETER])
def test_the_editor_cannot_approve_an_existing_template(as_role, pending, role):
    url = reverse("templates:edit", args=[pending.pk])

    response = as_role(role).post(url, editor_post(name="spring_offer", status="approved"))

    assert response.status_code == 422
    assert status_of(pending) == "pending"
    assert not TemplateReview.objects.exists()


def test_the_editor_still_submits_a_draft_for_approval(as_role, account):
    client = as_role(Role.MARKETER)
    client.post(reverse("templates:create"), editor_post(status="draft"))
    template = MessageTemplate.objects.get(name="welcome_back")

    response = client.post(
        reverse("templates:edit", args=[template.pk]), editor_post(status="pending")
    )

    assert response.status_code == 302
    assert status_of(template) == "pending"


@pytest.mark.parametrize("role", REVIEWERS)
def test_an_owner_or_manager_approves_on_the_page_and_it_is_recorded(as_role, pending, role):
    client = as_role(role)

    response = client.post(
        reverse("templates:review", args=[pending.pk]),
        {"decision": "approve", "note": "Matches the brand guide."},
    )

    assert response.status_code == 302
    assert status_of(pending) == "approved"
    review = TemplateReview.objects.get(template=pending)
    assert (review.decision, review.actor, review.note) == (
        "approved",
        client.user,
        "Matches the brand guide.",
    )
    assert review.actor_name == client.user.username
    page = client.get(reverse("templates:edit", args=[pending.pk])).content.decode()
    assert f"Approved by {client.user.username}" in page


@pytest.mark.parametrize("role", REVIEWERS)
def test_an_owner_or_manager_rejects_with_a_reason(as_role, approved, role):
    client = as_role(role)

    client.post(
        reverse("templates:review", args=[approved.pk]),
        {"decision": "reject", "note": "Promises a discount we do not give."},
    )

    assert status_of(approved) == "rejected"
    assert TemplateReview.objects.get(template=approved).note.startswith("Promises")


@pytest.mark.parametrize("role", NOT_REVIEWERS)
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_marketer_or_viewer_cannot_review_on_the_page(as_role, pending, role, decision):
    response = as_role(role).post(
        reverse("templates:review", args=[pending.pk]), {"decision": decision}
    )

    assert response.status_code == 403
    assert status_of(pending) == "pending"
    assert not TemplateReview.objects.exists()


def test_another_accounts_template_cannot_be_reviewed(account, other_account, make_member):
    stranger = MessageTemplateFactory(account=other_account, status="pending")
    client = Client()
    client.force_login(make_member(account, Role.OWNER))

    response = client.post(reverse("templates:review", args=[stranger.pk]), {"decision": "approve"})

    assert response.status_code == 404
    assert status_of(stranger) == "pending"


def test_the_page_offers_approval_only_to_reviewers(as_role, pending):
    url = reverse("templates:edit", args=[pending.pk])

    marketer = as_role(Role.MARKETER).get(url)
    manager = as_role(Role.MANAGER).get(url)

    assert 'value="approved"' not in marketer.content.decode()  # not in the status select
    assert 'id="tpl-approve"' not in marketer.content.decode()
    assert "An owner or a manager of the account approves" in marketer.content.decode()
    assert 'id="tpl-approve"' in manager.content.decode()


def test_editing_an_approved_templates_content_sends_it_back_to_pending(as_role, account):
    client = as_role(Role.OWNER)
    client.post(reverse("templates:create"), editor_post(status="pending"))
    template = MessageTemplate.objects.get(name="welcome_back")
    client.post(reverse("templates:review", args=[template.pk]), {"decision": "approve"})
    url = reverse("templates:edit", args=[template.pk])

    unchanged = client.post(url, editor_post(status="approved"))
    assert unchanged.status_code == 302
    assert status_of(template) == "approved"

    changed = client.post(url, editor_post(status="approved", body="Hi {{1}}, new code {{2}}."))

    assert changed.status_code == 302
    assert status_of(template) == "pending"


# --- the API -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.MARKETER])
def test_the_api_cannot_create_or_set_an_approved_status(account, pending, template_data, role):
    client = api_client(account, role)

    created = post_json(client, API, {**template_data, "status": "approved"})
    updated = client.put(
        f"{API}/{pending.pk}", json.dumps({"status": "approved"}), content_type="application/json"
    )

    assert created.status_code == 422
    assert created.json()["errors"][0]["field"] == "status"
    assert updated.status_code == 422
    assert status_of(pending) == "pending"


@pytest.mark.parametrize("role", [Role.MARKETER, Role.VIEWER])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_marketer_or_viewer_key_cannot_review(account, pending, role, action):
    response = post_json(api_client(account, role), f"{API}/{pending.pk}/{action}")

    assert response.status_code == 403
    assert status_of(pending) == "pending"


def test_a_manager_key_approves_and_the_key_is_recorded(account, pending):
    response = post_json(api_client(account, Role.MANAGER), f"{API}/{pending.pk}/approve")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    review = TemplateReview.objects.get(template=pending)
    assert review.actor_name == "API key “manager key”"


def test_an_owner_approves_through_the_api_with_their_session(as_role, pending):
    client = as_role(Role.OWNER)

    response = post_json(client, f"{API}/{pending.pk}/reject", {"note": "Too long."})

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert TemplateReview.objects.get(template=pending).note == "Too long."


def test_approving_twice_is_a_conflict(account, approved):
    response = post_json(api_client(account, Role.MANAGER), f"{API}/{approved.pk}/approve")

    assert response.status_code == 409
    assert "already approved" in response.json()["detail"]


def test_another_accounts_template_is_404_in_the_api(other_account, account):
    stranger = MessageTemplateFactory(account=other_account, status="pending")

    response = post_json(api_client(account, Role.MANAGER), f"{API}/{stranger.pk}/approve")

    assert response.status_code == 404
    assert status_of(stranger) == "pending"


def test_a_put_of_the_unchanged_document_keeps_the_approval(account, approved):
    client = api_client(account, Role.MARKETER)
    document = document_of(approved)

    same = client.put(f"{API}/{approved.pk}", json.dumps(document), content_type="application/json")
    assert same.status_code == 200
    assert status_of(approved) == "approved"

    document["body"] = "Hello {{1}}, the sale ends tonight!"
    edited = client.put(
        f"{API}/{approved.pk}", json.dumps(document), content_type="application/json"
    )

    assert edited.status_code == 200
    assert edited.json()["status"] == "pending"


# --- the admin ---------------------------------------------------------------------------


def staff_member(account, role):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_messagetemplate", "change_messagetemplate"])
    )
    MembershipFactory(account=account, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


def admin_action(client, action, template):
    return client.post(
        reverse("admin:templates_app_messagetemplate_changelist"),
        {"action": action, "_selected_action": [template.pk]},
        follow=True,
    )


def test_the_admin_form_cannot_set_the_status(account, pending):
    client = staff_member(account, Role.MARKETER)
    url = reverse("admin:templates_app_messagetemplate_change", args=[pending.pk])
    page = client.get(url)
    assert "status" not in page.context["adminform"].form.fields

    client.post(url, change_form_data(page, status="approved"))

    assert status_of(pending) == "pending"


@pytest.mark.parametrize("role", [Role.MARKETER, Role.VIEWER])
def test_an_admin_action_by_a_staff_marketer_is_refused(account, pending, role):
    response = admin_action(staff_member(account, role), "approve", pending)

    assert "only an owner or manager of Acme may approve" in response.content.decode()
    assert status_of(pending) == "pending"


@pytest.mark.parametrize("role", REVIEWERS)
def test_an_admin_action_by_a_staff_owner_or_manager_approves(account, pending, role):
    response = admin_action(staff_member(account, role), "approve", pending)

    assert response.status_code == 200
    assert status_of(pending) == "approved"
    assert TemplateReview.objects.get(template=pending).actor_name.endswith("(admin)")


def test_a_superuser_may_reject_from_the_admin(approved):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    admin_action(client, "reject", approved)

    assert status_of(approved) == "rejected"


def test_an_admin_content_edit_of_an_approved_template_sends_it_back(approved):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:templates_app_messagetemplate_change", args=[approved.pk])
    page = client.get(url)

    response = client.post(url, change_form_data(page, body="Hello {{1}}, new text."))

    assert response.status_code == 302
    assert status_of(approved) == "pending"
