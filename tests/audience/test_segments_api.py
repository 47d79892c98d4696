"""``/api/segments``: create, read, update, delete, with tenancy, roles and conflicts."""

import pytest

from accounts.models import Role
from accounts.services import api_key_create
from audience.models import Segment
from tests.factories import CampaignFactory, ContactFactory, SegmentFactory

FRENCH = {"op": "and", "rules": [{"field": "country", "operator": "eq", "value": "FR"}]}


def _contacts(account):
    ContactFactory(account=account, country="FR")
    ContactFactory(account=account, country="FR")
    ContactFactory(account=account, country="US")


@pytest.mark.django_db
def test_create_segment_counts_its_contacts(api, account, other_account):
    # given
    _contacts(account)
    ContactFactory(account=other_account, country="FR")
    # when
    response = api.post(
        "/api/segments",
        {"name": "France", "description": "Our French contacts", "filters": FRENCH},
        content_type="application/json",
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "France"
    assert body["description"] == "Our French contacts"
    assert body["filters"] == FRENCH
    assert body["contactCount"] == 2
    assert {"id", "createdAt", "updatedAt"} <= body.keys()
    assert Segment.objects.get(pk=body["id"]).account == account


@pytest.mark.django_db
def test_list_and_get_show_only_the_accounts_segments(api, account, other_account):
    # given
    mine = SegmentFactory(account=account, name="Mine")
    theirs = SegmentFactory(account=other_account, name="Theirs")
    # when
    listed = api.get("/api/segments").json()
    got = api.get(f"/api/segments/{mine.pk}")
    other = api.get(f"/api/segments/{theirs.pk}")
    # then
    assert [s["name"] for s in listed["items"]] == ["Mine"]
    assert listed["count"] == 1
    assert got.status_code == 200
    assert got.json()["id"] == mine.pk
    assert other.status_code == 404
    assert other.json()["code"] == "not_found"


@pytest.mark.django_db
def test_update_replaces_filters_and_recounts(api, account):
    # given
    _contacts(account)
    segment = SegmentFactory(account=account, name="Old", filters={})
    us = {"op": "and", "rules": [{"field": "country", "operator": "eq", "value": "US"}]}
    # when
    response = api.put(
        f"/api/segments/{segment.pk}",
        {"name": "Americans", "filters": us},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["contactCount"] == 1
    segment.refresh_from_db()
    assert (segment.name, segment.filters, segment.contact_count) == ("Americans", us, 1)


@pytest.mark.django_db
def test_a_bad_tree_is_422_naming_the_rule_and_changes_nothing(api, account):
    # given
    segment = SegmentFactory(account=account, name="Keep", filters=FRENCH)
    bad = {
        "op": "and",
        "rules": [
            FRENCH["rules"][0],
            {"op": "or", "rules": [{"field": "email", "operator": "gt"}]},
        ],
    }
    # when
    created = api.post(
        "/api/segments", {"name": "Bad", "filters": bad}, content_type="application/json"
    )
    updated = api.put(
        f"/api/segments/{segment.pk}",
        {"name": "Keep", "filters": bad},
        content_type="application/json",
    )
    # then
    for response in (created, updated):
        assert response.status_code == 422
        body = response.json()
        assert body["detail"] == "Rule 2.1: operator 'gt' does not apply to text field 'email'."
        assert body["errors"][0]["field"] == "filters.rules.1.rules.0"
    assert not Segment.objects.filter(name="Bad").exists()
    segment.refresh_from_db()
    assert segment.filters == FRENCH


@pytest.mark.django_db
def test_duplicate_name_and_missing_name_are_422(api, account):
    # given
    SegmentFactory(account=account, name="Taken")
    # when
    duplicate = api.post("/api/segments", {"name": "Taken"}, content_type="application/json")
    blank = api.post("/api/segments", {"name": "  "}, content_type="application/json")
    missing = api.post("/api/segments", {}, content_type="application/json")
    # then
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"][0]["field"] == "name"
    assert blank.status_code == 422
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "name"


@pytest.mark.django_db
def test_updating_a_segment_into_a_cycle_is_422(api, account):
    # given
    a = SegmentFactory(account=account, name="A")
    b = SegmentFactory(
        account=account,
        name="B",
        filters={"rules": [{"field": "segment", "operator": "in_segment", "value": a.pk}]},
    )
    # when
    response = api.put(
        f"/api/segments/{a.pk}",
        {
            "name": "A",
            "filters": {"rules": [{"field": "segment", "operator": "in_segment", "value": b.pk}]},
        },
        content_type="application/json",
    )
    # then
    assert response.status_code == 422
    assert "cycle" in response.json()["detail"]


@pytest.mark.django_db
def test_delete(api, account):
    # given
    segment = SegmentFactory(account=account)
    # when
    response = api.delete(f"/api/segments/{segment.pk}")
    # then
    assert response.status_code == 204
    assert not Segment.objects.filter(pk=segment.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("relation", ["segments", "exclude_segments"])
def test_delete_of_a_segment_a_campaign_uses_is_409(api, account, relation):
    # given
    segment = SegmentFactory(account=account)
    campaign = CampaignFactory(account=account, name="Spring sale")
    getattr(campaign, relation).add(segment)
    # when
    response = api.delete(f"/api/segments/{segment.pk}")
    # then
    assert response.status_code == 409
    assert "Spring sale" in response.json()["detail"]
    assert Segment.objects.filter(pk=segment.pk).exists()


@pytest.mark.django_db
def test_delete_of_a_segment_another_segment_uses_is_409(api, account):
    # given
    used = SegmentFactory(account=account, name="Used")
    SegmentFactory(
        account=account,
        name="User",
        filters={"rules": [{"field": "segment", "operator": "not_in_segment", "value": used.pk}]},
    )
    # when
    response = api.delete(f"/api/segments/{used.pk}")
    # then
    assert response.status_code == 409
    assert "“User”" in response.json()["detail"]


@pytest.mark.django_db
def test_another_accounts_segment_cannot_be_changed_or_deleted(api, other_account):
    # given
    theirs = SegmentFactory(account=other_account, name="Theirs")
    # when
    put = api.put(f"/api/segments/{theirs.pk}", {"name": "Mine"}, content_type="application/json")
    delete = api.delete(f"/api/segments/{theirs.pk}")
    # then
    assert (put.status_code, delete.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


@pytest.mark.django_db
def test_without_credentials_is_401(client, account):
    # given
    segment = SegmentFactory(account=account)
    # when / then
    assert client.get("/api/segments").status_code == 401
    assert client.get(f"/api/segments/{segment.pk}").status_code == 401
    assert client.post("/api/segments", {}, content_type="application/json").status_code == 401
    assert client.delete(f"/api/segments/{segment.pk}").status_code == 401


@pytest.mark.django_db
def test_a_viewer_key_reads_but_cannot_write(client, account):
    # given
    _, raw = api_key_create(account=account, name="viewer", role=Role.VIEWER)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    segment = SegmentFactory(account=account)
    # when
    read = client.get("/api/segments")
    create = client.post("/api/segments", {"name": "X"}, content_type="application/json")
    delete = client.delete(f"/api/segments/{segment.pk}")
    # then
    assert read.status_code == 200
    assert (create.status_code, delete.status_code) == (403, 403)
    assert Segment.objects.filter(pk=segment.pk).exists()


@pytest.mark.django_db
def test_a_signed_in_member_uses_the_api_with_the_session(logged_in_client, account):
    # when
    response = logged_in_client.post(
        "/api/segments", {"name": "Session", "filters": FRENCH}, content_type="application/json"
    )
    # then
    assert response.status_code == 201
