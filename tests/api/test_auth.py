"""Who may call what: 401 without valid credentials, 404 across accounts, 403 for viewers."""

import pytest
from django.test import Client

from accounts.models import ApiKey, Role
from accounts.services import api_key_revoke
from campaigns.models import Campaign, CampaignActivity

# (method, path, needs a campaign, writes)
ENDPOINTS = [
    ("post", "/api/campaigns", False, True),
    ("get", "/api/campaigns", False, False),
    ("get", "/api/campaigns/{id}", True, False),
    ("put", "/api/campaigns/{id}", True, True),
    ("delete", "/api/campaigns/{id}", True, True),
    ("post", "/api/campaigns/{id}/restore", True, True),
    ("post", "/api/campaigns/{id}/duplicate", True, True),
    ("post", "/api/campaigns/{id}/publish", True, True),
    ("post", "/api/campaigns/{id}/pause", True, True),
    ("post", "/api/campaigns/{id}/resume", True, True),
]
OBJECT_ENDPOINTS = [e for e in ENDPOINTS if e[2]]
WRITE_ENDPOINTS = [e for e in ENDPOINTS if e[3]]
READ_ENDPOINTS = [e for e in ENDPOINTS if not e[3]]


def _call(client, method, path, campaign, **extra):
    url = path.format(id=campaign.pk)
    if method in ("post", "put"):
        return getattr(client, method)(
            url, {"name": "Changed by caller"}, content_type="application/json", **extra
        )
    return getattr(client, method)(url, **extra)


def _unchanged(campaign):
    fresh = Campaign.objects.get(pk=campaign.pk)
    assert fresh.name == campaign.name
    assert fresh.status == campaign.status
    assert fresh.deleted_at is None
    assert (
        Campaign.objects.count() == 1 + Campaign.objects.exclude(account=campaign.account).count()
    )
    assert not CampaignActivity.objects.filter(campaign__account=campaign.account).exists()


@pytest.mark.parametrize(("method", "path", "_obj", "_write"), ENDPOINTS)
def test_no_credentials_is_401(client, campaign, method, path, _obj, _write):
    response = _call(client, method, path, campaign)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    _unchanged(campaign)


@pytest.mark.parametrize(("method", "path", "_obj", "_write"), ENDPOINTS)
@pytest.mark.parametrize("header", ["Bearer cmp_not-a-real-key", "Bearer ", "Basic dXNlcjpwdw=="])
def test_an_invalid_key_is_401(client, campaign, method, path, _obj, _write, header):
    response = _call(client, method, path, campaign, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    _unchanged(campaign)


@pytest.mark.parametrize(("method", "path", "_obj", "_write"), ENDPOINTS)
def test_a_revoked_key_is_401(api, campaign, method, path, _obj, _write):
    # given the client's key is revoked
    api_key_revoke(key=ApiKey.objects.get(account=campaign.account))

    # when / then
    assert _call(api, method, path, campaign).status_code == 401
    _unchanged(campaign)


@pytest.mark.parametrize(("method", "path", "_obj", "_write"), OBJECT_ENDPOINTS)
def test_another_accounts_campaign_is_404(other_api, campaign, method, path, _obj, _write):
    # when the other account's key names our campaign
    response = _call(other_api, method, path, campaign)

    # then it does not exist for them, and nothing happened to it
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    _unchanged(campaign)


def test_another_account_does_not_list_our_campaigns(other_api, campaign, other_campaign):
    body = other_api.get("/api/campaigns").json()
    assert [item["id"] for item in body["items"]] == [other_campaign.pk]
    assert body["count"] == 1


@pytest.mark.parametrize(("method", "path", "_obj", "_write"), WRITE_ENDPOINTS)
def test_a_viewer_session_cannot_write(viewer_client, campaign, method, path, _obj, _write):
    response = _call(viewer_client, method, path, campaign)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    _unchanged(campaign)


@pytest.mark.parametrize(("method", "path", "_obj", "_write"), READ_ENDPOINTS)
def test_a_viewer_session_can_read(viewer_client, campaign, method, path, _obj, _write):
    assert _call(viewer_client, method, path, campaign).status_code == 200


@pytest.mark.parametrize(("method", "path", "_obj", "_write"), WRITE_ENDPOINTS)
def test_a_viewer_key_cannot_write(make_key_client, campaign, method, path, _obj, _write):
    response = _call(make_key_client(Role.VIEWER), method, path, campaign)
    assert response.status_code == 403
    _unchanged(campaign)


def test_a_signed_in_user_without_a_membership_is_401(db, campaign):
    # given a user who belongs to no account
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())

    # when / then
    assert client.get("/api/campaigns").status_code == 401


def test_a_session_sees_only_its_own_account(make_member, other_account, campaign):
    # given a member of the other account only
    client = Client()
    client.force_login(make_member(other_account, Role.OWNER))

    # when / then
    assert client.get(f"/api/campaigns/{campaign.pk}").status_code == 404
    assert client.get("/api/campaigns").json()["count"] == 0


def test_an_edit_key_cannot_send_but_can_edit(make_key_client, campaign):
    # given a key of a marketer (edit and send) and a manager key; both may edit
    marketer = make_key_client(Role.MARKETER)

    # when / then
    response = marketer.put(
        f"/api/campaigns/{campaign.pk}", {"name": "New"}, content_type="application/json"
    )
    assert response.status_code == 200
