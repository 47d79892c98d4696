"""Login, logout, the account switcher and the API keys page."""

import pytest
from django.urls import reverse

from accounts.models import ApiKey, Role
from accounts.selectors import SESSION_ACCOUNT_KEY
from accounts.services import api_key_authenticate, api_key_create
from tests.conftest import PASSWORD
from tests.factories import AccountFactory, CampaignFactory, MembershipFactory


def test_login_page_signs_in_with_the_real_form(client, user, account):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert b'autocomplete="current-password"' in page.content

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:list")
    assert client.get(reverse("campaigns:list")).status_code == 200


def test_login_with_a_wrong_password_says_so_and_signs_nobody_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "nope-nope"}
    )
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert client.get(reverse("campaigns:list")).status_code == 302


def test_login_returns_to_the_page_asked_for(client, user, account):
    campaign = CampaignFactory(account=account)
    target = reverse("campaigns:detail", args=[campaign.pk])
    response = client.post(
        reverse("accounts:login") + f"?next={target}",
        {"username": user.username, "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target


def test_logout_is_a_post_and_ends_the_session(logged_in_client):
    assert logged_in_client.get(reverse("accounts:logout")).status_code == 405
    response = logged_in_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_client.get(reverse("campaigns:list")).status_code == 302


@pytest.fixture
def second_account(user):
    second = AccountFactory(name="Beta Shop", slug="beta-shop")
    MembershipFactory(user=user, account=second, role=Role.VIEWER)
    CampaignFactory(account=second, name="Beta only campaign")
    return second


def test_switcher_lists_the_users_accounts_and_switches(logged_in_client, account, second_account):
    page = logged_in_client.get(reverse("campaigns:list")).content.decode()
    assert 'id="account-switch"' in page
    assert "Beta Shop" in page
    assert "Acme" in page

    response = logged_in_client.post(reverse("accounts:switch"), {"account": second_account.pk})

    assert response.status_code == 302
    assert logged_in_client.session[SESSION_ACCOUNT_KEY] == second_account.pk
    listing = logged_in_client.get(reverse("campaigns:list"))
    assert listing.context["current_account"] == second_account
    assert "Beta only campaign" in listing.content.decode()
    # The role follows the account: a viewer there.
    assert "data-action=" not in listing.content.decode()


def test_switch_to_an_account_the_user_is_not_in_is_refused(
    logged_in_client, account, other_account, second_account
):
    logged_in_client.post(reverse("accounts:switch"), {"account": second_account.pk})

    for value in (other_account.pk, 999999, "not-a-number", ""):
        response = logged_in_client.post(reverse("accounts:switch"), {"account": value})
        assert response.status_code == 404

    assert logged_in_client.session[SESSION_ACCOUNT_KEY] == second_account.pk
    listing = logged_in_client.get(reverse("campaigns:list"))
    assert listing.context["current_account"] == second_account


def test_switch_needs_a_post(logged_in_client, account):
    assert logged_in_client.get(reverse("accounts:switch")).status_code == 405


def test_single_account_user_sees_the_name_not_a_switcher(logged_in_client):
    page = logged_in_client.get(reverse("campaigns:list")).content.decode()
    assert 'id="account-switch"' not in page
    assert '<span class="account-name">Acme</span>' in page


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_managers_create_a_key_and_see_it_once(as_role, account, role):
    client = as_role(role)
    assert client.get(reverse("accounts:api_keys")).status_code == 200

    response = client.post(reverse("accounts:api_keys"), {"name": "Shop sync", "role": "marketer"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["raw_key"]
    assert raw.startswith("cmp_")
    assert raw in response.content.decode()
    key = api_key_authenticate(raw=raw)
    assert key.account == account
    assert key.role == "marketer"
    assert key.name == "Shop sync"
    assert key.created_by == client.user
    # Shown once: the list afterwards has its prefix only.
    again = client.get(reverse("accounts:api_keys")).content.decode()
    assert raw not in again
    assert key.prefix in again


def test_api_key_form_errors_are_inline_and_create_nothing(as_role):
    client = as_role(Role.MANAGER)
    response = client.post(reverse("accounts:api_keys"), {"name": "  ", "role": "owner"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "field-error" in body
    assert "Select a valid choice" in body
    assert not ApiKey.objects.exists()


def test_revoke_stops_the_key_and_shows_last_use(as_role, account):
    client = as_role(Role.OWNER)
    key, raw = api_key_create(account=account, name="Old integration")
    api_key_authenticate(raw=raw)  # marks it used

    page = client.get(reverse("accounts:api_keys")).content.decode()
    assert "Old integration" in page
    assert "ago" in page  # last used

    response = client.post(reverse("accounts:api_key_revoke", args=[key.pk]), follow=True)

    assert response.status_code == 200
    assert "is revoked" in response.content.decode()
    assert "Revoked" in response.content.decode()
    assert api_key_authenticate(raw=raw) is None


@pytest.mark.parametrize("role", [Role.MARKETER, Role.VIEWER])
def test_roles_without_manage_cannot_see_or_change_keys(as_role, account, role):
    key, raw = api_key_create(account=account, name="Keep me")
    client = as_role(role)

    assert client.get(reverse("accounts:api_keys")).status_code == 403
    assert (
        client.post(reverse("accounts:api_keys"), {"name": "x", "role": "viewer"}).status_code
        == 403
    )
    assert client.post(reverse("accounts:api_key_revoke", args=[key.pk])).status_code == 403
    assert ApiKey.objects.count() == 1
    assert api_key_authenticate(raw=raw) is not None
    assert (
        reverse("accounts:api_keys") not in client.get(reverse("campaigns:list")).content.decode()
    )


def test_another_accounts_key_cannot_be_revoked(as_role, other_account):
    key, raw = api_key_create(account=other_account, name="Rival key")
    client = as_role(Role.OWNER)

    assert client.post(reverse("accounts:api_key_revoke", args=[key.pk])).status_code == 404
    assert "Rival key" not in client.get(reverse("accounts:api_keys")).content.decode()
    assert api_key_authenticate(raw=raw) is not None
