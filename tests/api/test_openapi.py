from accounts.error_codes import AccountErrorCode
from audience.error_codes import AudienceErrorCode
from campaigns.error_codes import CampaignErrorCode
from core.error_codes import CoreErrorCode, error_codes_all
from delivery.error_codes import DeliveryErrorCode
from templates_app.error_codes import TemplateErrorCode


def test_openapi_describes_the_campaign_endpoints(client):
    # when
    response = client.get("/api/openapi.json")

    # then
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {"post", "get"} <= set(paths["/api/campaigns"])
    assert {"get", "put", "delete"} <= set(paths["/api/campaigns/{campaignId}"])
    for action in ("restore", "duplicate", "publish", "pause", "resume"):
        assert "post" in paths[f"/api/campaigns/{{campaignId}}/{action}"]
    query = {p["name"] for p in paths["/api/campaigns"]["get"]["parameters"]}
    assert {"page", "pageSize", "status", "type", "q", "sort"} <= query
    components = schema["components"]["schemas"]
    assert {"phoneNumberId", "abTest", "errorLog", "stats"} <= set(
        components["CampaignOut"]["properties"]
    )
    assert "status" not in components["CampaignIn"]["properties"]
    assert components["CampaignButtonIn"]["properties"]["type"]["enum"] == [
        "call",
        "url",
        "quickreply",
    ]


def test_docs_page_renders_without_a_cdn(client):
    # when
    response = client.get("/api/docs")

    # then the Swagger page loads its assets from our own static files
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/openapi.json" in html
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html
    assert "unpkg.com" not in html


def test_every_operation_documents_its_error_answers(client):
    # when
    paths = client.get("/api/openapi.json").json()["paths"]

    # then each operation names the common errors, and the others where they apply
    for path, operations in paths.items():
        for method, operation in operations.items():
            documented = {int(code) for code in operation["responses"]}
            where = f"{method.upper()} {path}"
            assert {401, 422, 429} <= documented, where
            if "requestBody" in operation:
                assert 413 in documented, where
            if "{" in path:
                assert 404 in documented, where
            if method in ("put", "delete"):
                assert 403 in documented, where
    campaign = paths["/api/campaigns/{campaignId}"]
    assert {403, 404, 409} <= {int(code) for code in campaign["delete"]["responses"]}
    assert 403 not in {int(code) for code in campaign["get"]["responses"]}


def test_lists_are_items_and_count(client):
    # when
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    # then the paged lists of the audience and of a campaign's delivery share one shape
    for name in ("SegmentListOut", "SuppressionListOut", "DeliveryRecipientPageOut"):
        assert set(schemas[name]["properties"]) == {"items", "count"}, name


def test_error_answers_list_every_error_code(client):
    # when
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    # then the error answer's code is one of every app's codes, and nothing else
    published = schemas["ErrorOut"]["properties"]["code"]["enum"]
    for enum in (
        CoreErrorCode,
        AccountErrorCode,
        AudienceErrorCode,
        TemplateErrorCode,
        CampaignErrorCode,
        DeliveryErrorCode,
    ):
        for code in enum:
            assert code.value in published, f"{enum.__name__}.{code.name}"
    assert sorted(published) == sorted(code.value for code in error_codes_all())


def test_moved_handlers_keep_their_operation_ids(client):
    # The execution and analytics handlers moved to delivery/ and analytics/; clients
    # generated from the document call them by these ids.
    doc = client.get("/api/openapi.json").json()
    ids = {
        (path, method): operation["operationId"]
        for path, methods in doc["paths"].items()
        for method, operation in methods.items()
    }
    assert ids[("/api/campaigns/{campaignId}/send", "post")] == (
        "campaigns_api_execution_send_campaign"
    )
    assert ids[("/api/campaigns/{campaignId}/events", "get")] == (
        "campaigns_api_execution_campaign_events"
    )
    assert ids[("/api/campaigns/{campaignId}/analytics", "get")] == (
        "campaigns_api_execution_campaign_analytics"
    )
    assert ids[("/api/campaigns/{campaignId}/publish", "post")] == (
        "campaigns_api_publish_campaign"
    )
