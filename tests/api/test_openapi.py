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
