"""API keys made in the admin: the raw key is shown once, only its hash is stored."""

import re

import pytest
from django.urls import reverse

from accounts.models import ApiKey, hash_api_key
from accounts.services import api_key_authenticate, api_key_create

KEY_PATTERN = re.compile(r"cmp_[A-Za-z0-9_\-]{20,}")


@pytest.mark.django_db
def test_creating_a_key_shows_it_once_and_stores_only_its_hash(admin_client, superuser, account):
    # when staff add a key through the admin
    response = admin_client.post(
        reverse("admin:accounts_apikey_add"),
        {"account": account.pk, "name": "Zapier", "role": "marketer"},
        follow=True,
    )

    # then the raw key is in the page once
    html = response.content.decode()
    shown = KEY_PATTERN.findall(html)
    assert len(shown) == 1
    raw = shown[0]
    # and only its hash and prefix are stored, for the right account, role and creator
    key = ApiKey.objects.get()
    assert key.key_hash == hash_api_key(raw)
    assert raw.startswith(key.prefix)
    assert raw not in {key.name, key.prefix, key.key_hash}
    assert (key.account, key.role, key.created_by) == (account, "marketer", superuser)
    assert api_key_authenticate(raw=raw) == key
    # and it is not shown again on the next pages
    assert not KEY_PATTERN.findall(admin_client.get(response.request["PATH_INFO"]).content.decode())
    change = admin_client.get(reverse("admin:accounts_apikey_change", args=[key.pk]))
    change_html = change.content.decode()
    assert raw not in change_html
    assert key.key_hash not in change_html
    assert 'name="key_hash"' not in change_html
    assert key.prefix in change_html


@pytest.mark.django_db
def test_key_list_shows_the_prefix_but_never_the_hash(admin_client, account):
    key, raw = api_key_create(account=account, name="Reporting")

    html = admin_client.get(reverse("admin:accounts_apikey_changelist")).content.decode()

    assert key.prefix in html
    assert key.key_hash not in html
    assert raw not in html


@pytest.mark.django_db
def test_revoke_action_revokes_and_the_key_stops_working(admin_client, account):
    key, raw = api_key_create(account=account, name="Old integration")
    assert api_key_authenticate(raw=raw) is not None

    response = admin_client.post(
        reverse("admin:accounts_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
        follow=True,
    )

    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api_key_authenticate(raw=raw) is None
    notes = [m.message for m in response.context["messages"]]
    assert notes == ["Revoked 1 API key(s)."]
    revoked_list = admin_client.get(
        reverse("admin:accounts_apikey_changelist"), {"state": "revoked"}
    )
    assert [k.pk for k in revoked_list.context["cl"].result_list] == [key.pk]


@pytest.mark.django_db
def test_a_key_cannot_move_to_another_account(admin_client, account, other_account):
    key, _ = api_key_create(account=account, name="Pinned")

    admin_client.post(
        reverse("admin:accounts_apikey_change", args=[key.pk]),
        {"account": other_account.pk, "name": "Pinned", "role": "viewer"},
    )

    key.refresh_from_db()
    assert key.account == account
    assert key.role == "viewer"
