from campaigns.models import Campaign, CampaignActivity
from tests.factories import VariantFactory


def test_delete_is_soft_and_hides_the_campaign(api, campaign):
    # when
    response = api.delete(f"/api/campaigns/{campaign.pk}")

    # then the campaign is gone from the API but kept in the database
    assert response.status_code == 204
    assert response.content == b""
    assert api.get(f"/api/campaigns/{campaign.pk}").status_code == 404
    assert api.get("/api/campaigns").json() == {"items": [], "count": 0}
    assert Campaign.objects.get(pk=campaign.pk).deleted_at is not None
    assert api.delete(f"/api/campaigns/{campaign.pk}").status_code == 404


def test_a_running_campaign_cannot_be_deleted(api, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status="running")
    response = api.delete(f"/api/campaigns/{campaign.pk}")
    assert response.status_code == 409
    assert "pause" in response.json()["detail"]
    assert Campaign.objects.get(pk=campaign.pk).deleted_at is None


def test_restore_brings_it_back(api, campaign):
    # given a deleted campaign
    api.delete(f"/api/campaigns/{campaign.pk}")

    # when
    response = api.post(f"/api/campaigns/{campaign.pk}/restore")

    # then
    assert response.status_code == 200
    assert response.json()["id"] == campaign.pk
    assert api.get("/api/campaigns").json()["count"] == 1
    assert CampaignActivity.objects.filter(campaign=campaign, action="restore").exists()


def test_restore_of_an_alive_campaign_is_harmless(api, campaign):
    response = api.post(f"/api/campaigns/{campaign.pk}/restore")
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_duplicate_makes_a_new_draft(api, campaign):
    # given a completed A/B campaign with a winner
    Campaign.objects.filter(pk=campaign.pk).update(status="completed", total_sent=10)
    VariantFactory(campaign=campaign, key="A", is_winner=True)

    # when
    response = api.post(f"/api/campaigns/{campaign.pk}/duplicate")

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["id"] != campaign.pk
    assert body["name"] == "Spring sale (copy)"
    assert body["status"] == "draft"
    assert body["stats"]["totalSent"] == 0
    assert [(v["id"], v["winner"]) for v in body["abTest"]["variants"]] == [("A", False)]
    assert api.get("/api/campaigns").json()["count"] == 2


def test_duplicate_of_a_deleted_campaign_is_404(api, campaign):
    api.delete(f"/api/campaigns/{campaign.pk}")
    assert api.post(f"/api/campaigns/{campaign.pk}/duplicate").status_code == 404
