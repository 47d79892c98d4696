"""The suppression list through the API and its page: normalised, scoped, read-only for viewers."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.services import api_key_create
from audience.models import SuppressionEntry
from tests.factories import SuppressionEntryFactory


@pytest.fixture
def french(account):
    account.default_phone_region = "FR"
    account.save(update_fields=["default_phone_region"])
    return account


@pytest.mark.django_db
def test_add_normalises_the_phone_with_the_accounts_region(api, french):
    # when
    response = api.post(
        "/api/suppression",
        {"phone": "06 12 34 56 78", "reason": "Asked to stop"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone"] == "+33612345678"
    assert body["reason"] == "Asked to stop"
    assert SuppressionEntry.objects.get(pk=body["id"]).account == french


@pytest.mark.django_db
def test_add_an_email_lowercased(api, account):
    # when
    response = api.post(
        "/api/suppression", {"email": " Someone@Example.COM "}, content_type="application/json"
    )
    # then
    assert response.status_code == 201
    assert response.json()["email"] == "someone@example.com"
    assert response.json()["phone"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"phone": "not a number"}, "phone"),
        ({"email": "nobody"}, "email"),
        ({}, "phone"),
        ({"phone": "", "email": ""}, "phone"),
    ],
)
def test_bad_entries_are_422_and_change_nothing(api, french, payload, field):
    # when
    response = api.post("/api/suppression", payload, content_type="application/json")
    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not SuppressionEntry.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_is_409(api, french):
    # given
    SuppressionEntryFactory(account=french, phone="+33612345678")
    # when
    response = api.post(
        "/api/suppression", {"phone": "0612345678"}, content_type="application/json"
    )
    # then
    assert response.status_code == 409
    assert SuppressionEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_same_number_may_be_suppressed_by_two_accounts(api, french, other_account):
    # given
    SuppressionEntryFactory(account=other_account, phone="+33612345678")
    # when
    response = api.post(
        "/api/suppression", {"phone": "0612345678"}, content_type="application/json"
    )
    # then
    assert response.status_code == 201


@pytest.mark.django_db
def test_list_search_and_delete_are_scoped(api, account, other_account):
    # given
    mine = SuppressionEntryFactory(account=account, phone="+442000000001")
    SuppressionEntryFactory(account=account, phone=None, email="x@example.com")
    theirs = SuppressionEntryFactory(account=other_account, phone="+442000000002")
    # when
    listed = api.get("/api/suppression").json()
    searched = api.get("/api/suppression?q=example").json()
    delete_theirs = api.delete(f"/api/suppression/{theirs.pk}")
    delete_mine = api.delete(f"/api/suppression/{mine.pk}")
    # then
    assert listed["count"] == len(listed["items"]) == 2
    assert [e["email"] for e in searched["items"]] == ["x@example.com"]
    assert delete_theirs.status_code == 404
    assert delete_mine.status_code == 204
    assert SuppressionEntry.objects.filter(pk=theirs.pk).exists()
    assert not SuppressionEntry.objects.filter(pk=mine.pk).exists()


@pytest.mark.django_db
def test_api_needs_credentials_and_edit_rights(client, account):
    # given
    entry = SuppressionEntryFactory(account=account)
    # when / then
    assert client.get("/api/suppression").status_code == 401
    _, raw = api_key_create(account=account, name="viewer", role=Role.VIEWER)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    assert client.get("/api/suppression").status_code == 200
    assert (
        client.post(
            "/api/suppression", {"phone": "+33612345678"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.delete(f"/api/suppression/{entry.pk}").status_code == 403


# --- page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_lists_the_accounts_entries_only(logged_in_client, account, other_account):
    # given
    SuppressionEntryFactory(account=account, phone="+442000000001")
    SuppressionEntryFactory(account=other_account, phone="+442000000002")
    # when
    response = logged_in_client.get(reverse("audience:suppression"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "+442000000001" in html
    assert "+442000000002" not in html
    assert response.context["nav"] == "audience"


@pytest.mark.django_db
def test_page_adds_and_removes(logged_in_client, french):
    # when
    added = logged_in_client.post(
        reverse("audience:suppression"), {"phone": "06 12 34 56 78", "reason": "STOP"}
    )
    entry = SuppressionEntry.objects.get()
    removed = logged_in_client.post(reverse("audience:suppression_delete", args=[entry.pk]))
    # then
    assert added.status_code == 302
    assert entry.phone == "+33612345678"
    assert removed.status_code == 302
    assert not SuppressionEntry.objects.exists()


@pytest.mark.django_db
def test_page_shows_errors_inline(logged_in_client, french):
    # when
    response = logged_in_client.post(reverse("audience:suppression"), {"phone": "12"})
    # then
    assert response.status_code == 422
    message = "“12” is not a valid phone number (read with default region FR)."
    assert response.context["form"].errors["phone"] == [message]
    assert message in response.content.decode()
    assert not SuppressionEntry.objects.exists()


@pytest.mark.django_db
def test_page_refuses_another_accounts_entry(logged_in_client, other_account):
    # given
    theirs = SuppressionEntryFactory(account=other_account)
    # when
    response = logged_in_client.post(reverse("audience:suppression_delete", args=[theirs.pk]))
    # then
    assert response.status_code == 404
    assert SuppressionEntry.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_a_viewer_reads_the_page_but_cannot_change_it(client, viewer, account):
    # given
    entry = SuppressionEntryFactory(account=account, phone="+442000000001")
    client.force_login(viewer)
    # when
    page = client.get(reverse("audience:suppression"))
    add = client.post(reverse("audience:suppression"), {"phone": "+33612345678"})
    remove = client.post(reverse("audience:suppression_delete", args=[entry.pk]))
    # then
    assert page.status_code == 200
    assert "Add to the list" not in page.content.decode()
    assert (add.status_code, remove.status_code) == (403, 403)
    assert SuppressionEntry.objects.count() == 1


@pytest.mark.django_db
def test_page_needs_a_signed_in_member(client):
    response = client.get(reverse("audience:suppression"))
    assert response.status_code == 302
