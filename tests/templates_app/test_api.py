import json

import pytest

from accounts.models import Role
from accounts.services import api_key_create
from templates_app.models import MessageTemplate
from tests.factories import CampaignFactory, MessageTemplateFactory

URL = "/api/campaign-templates"


def post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def put(client, url, data, **extra):
    return client.put(url, json.dumps(data), content_type="application/json", **extra)


def test_create_answers_the_template_in_camel_case(api, account, template_data):
    # when
    response = post(api, URL, template_data)

    # then
    assert response.status_code == 201
    body = response.json()
    template = MessageTemplate.objects.get(pk=body["id"])
    assert template.account == account
    assert body["name"] == "spring_sale"
    assert body["header"] == {"type": "text", "text": "Hello {{1}}", "mediaUrl": ""}
    assert body["buttons"][0] == {
        "type": "url",
        "text": "Shop now",
        "value": "https://shop.example.com/sale",
    }
    assert body["variables"] == template_data["variables"]
    assert set(body) == {
        "id", "name", "category", "language", "header", "body", "footer", "buttons",
        "variables", "status", "createdAt", "updatedAt",
    }  # fmt: skip


def test_list_filters_searches_and_paginates(api, account, other_account):
    # given
    MessageTemplateFactory(account=account, name="alpha_sale", category="marketing")
    MessageTemplateFactory(
        account=account, name="beta_notice", category="utility", body="Order {{1}} shipped."
    )
    MessageTemplateFactory(account=account, name="gamma_sale", status="draft")
    MessageTemplateFactory(account=other_account, name="rival_sale")

    # when / then
    everything = api.get(URL).json()
    assert everything["count"] == 3
    assert [t["name"] for t in everything["items"]] == ["alpha_sale", "beta_notice", "gamma_sale"]

    assert [t["name"] for t in api.get(URL, {"q": "sale"}).json()["items"]] == [
        "alpha_sale",
        "gamma_sale",
    ]
    assert api.get(URL, {"category": "utility"}).json()["count"] == 1
    assert [t["name"] for t in api.get(URL, {"status": "draft"}).json()["items"]] == ["gamma_sale"]

    page = api.get(URL, {"page": 2, "pageSize": 2}).json()
    assert page == {"count": 3, "items": [page["items"][0]]}
    assert page["items"][0]["name"] == "gamma_sale"
    assert api.get(URL, {"page": 9}).json() == {"count": 3, "items": []}


def test_get_one(api, account):
    template = MessageTemplateFactory(account=account)

    response = api.get(f"{URL}/{template.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == template.pk
    assert response.json()["variables"] == [{"name": "1", "example": "Ada"}]


def test_update_changes_fields(api, account, template_data):
    # given
    template_id = post(api, URL, template_data).json()["id"]

    # when
    response = put(api, f"{URL}/{template_id}", {"status": "pending", "footer": ""})

    # then
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["footer"] == ""
    assert MessageTemplate.objects.get(pk=template_id).status == "pending"


def test_delete_answers_204(api, account):
    template = MessageTemplateFactory(account=account)

    response = api.delete(f"{URL}/{template.pk}")

    assert response.status_code == 204
    assert not MessageTemplate.objects.filter(pk=template.pk).exists()


def test_delete_of_a_template_in_use_answers_409(api, account):
    # given
    template = MessageTemplateFactory(account=account)
    CampaignFactory(account=account, template=template, name="Launch")

    # when
    response = api.delete(f"{URL}/{template.pk}")

    # then
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "“Launch”" in response.json()["detail"]
    assert MessageTemplate.objects.filter(pk=template.pk).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("post", ""), ("get", "/1"), ("put", "/1"), ("delete", "/1")],
)
def test_every_endpoint_needs_authentication(client, db, method, path):
    response = getattr(client, method)(URL + path)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_revoked_or_wrong_key_is_401(client, db):
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer not-a-key")

    assert response.status_code == 401


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_another_accounts_template_is_404(api, other_account, method):
    # given
    theirs = MessageTemplateFactory(account=other_account, name="theirs", footer="keep")

    # when
    if method == "put":
        response = put(api, f"{URL}/{theirs.pk}", {"footer": "changed"})
    else:
        response = getattr(api, method)(f"{URL}/{theirs.pk}")

    # then
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.footer == "keep"


def test_unknown_id_is_404(api, db):
    assert api.get(f"{URL}/999999").status_code == 404


def test_validation_errors_are_422_with_camel_case_field_paths(api, template_data):
    # given
    template_data["header"] = {"type": "image", "mediaUrl": "nope"}
    template_data["name"] = "Bad Name"
    template_data["buttons"][0]["text"] = "x" * 30
    template_data["variables"] = [{"name": "1", "example": "Ada"}]

    # when
    response = post(api, URL, template_data)

    # then
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    fields = {e["field"] for e in body["errors"]}
    assert {"name", "header.mediaUrl", "buttons.0.text", "variables.1.example"} <= fields
    assert MessageTemplate.objects.count() == 0


def test_wrong_json_types_are_422_with_the_field_path(api, template_data):
    template_data["buttons"] = "not a list"

    response = post(api, URL, template_data)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "buttons"


def test_invalid_update_is_422_and_changes_nothing(api, account):
    template = MessageTemplateFactory(account=account, body="Hi {{1}}")

    response = put(api, f"{URL}/{template.pk}", {"body": "Hi {{1}} {{3}}"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    template.refresh_from_db()
    assert template.body == "Hi {{1}}"


def test_duplicate_name_and_language_is_422_on_name(api, template_data):
    assert post(api, URL, template_data).status_code == 201

    response = post(api, URL, template_data)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "name",
            "message": "A template named “spring_sale” already exists in language “en”.",
        }
    ]


def test_a_viewer_key_reads_but_cannot_write(client, account, template_data):
    # given
    _, raw = api_key_create(account=account, name="read only", role=Role.VIEWER)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    template = MessageTemplateFactory(account=account)

    # when / then
    assert client.get(URL).status_code == 200
    assert post(client, URL, template_data).status_code == 403
    assert put(client, f"{URL}/{template.pk}", {"footer": "x"}).status_code == 403
    assert client.delete(f"{URL}/{template.pk}").status_code == 403
    assert MessageTemplate.objects.count() == 1


def test_session_auth_works_for_members(logged_in_client, account):
    MessageTemplateFactory(account=account)

    response = logged_in_client.get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 1
