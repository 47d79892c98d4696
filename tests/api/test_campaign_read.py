from datetime import UTC, datetime
from decimal import Decimal

from delivery.models import CampaignError
from tests.factories import CampaignFactory, VariantFactory, WorkflowStepFactory


def test_get_answers_the_document(api, campaign, sender):
    # when
    response = api.get(f"/api/campaigns/{campaign.pk}")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == campaign.pk
    assert body["name"] == "Spring sale"
    assert body["phoneNumberId"] == sender.phone_number_id
    assert body["message"]["content"] == campaign.message_content


def test_stats_and_error_log_come_from_the_campaign(api, account):
    # given a campaign that has sent, with errors counted by type
    campaign = CampaignFactory(
        account=account,
        status="running",
        total_recipients=200,
        total_sent=200,
        total_delivered=150,
        total_failed=50,
        total_opened=75,
        total_clicked=30,
        total_converted=15,
        estimated_revenue=Decimal("1234.50"),
    )
    seen = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    CampaignError.objects.create(
        campaign=campaign, error_type="rate_limited", message="Too many", count=7, timestamp=seen
    )

    # when
    body = api.get(f"/api/campaigns/{campaign.pk}").json()

    # then
    assert body["stats"] == {
        "totalRecipients": 200,
        "totalSent": 200,
        "totalDelivered": 150,
        "totalFailed": 50,
        "totalOpened": 75,
        "totalClicked": 30,
        "totalConverted": 15,
        "deliveryRate": 75.0,
        "openRate": 50.0,
        "clickRate": 20.0,
        "conversionRate": 10.0,
        "estimatedRevenue": 1234.5,
    }
    assert body["errorLog"] == [
        {
            "timestamp": "2030-01-02T03:04:05Z",
            "errorType": "rate_limited",
            "message": "Too many",
            "count": 7,
        }
    ]


def test_variants_and_workflow_in_the_document(api, account):
    # given
    campaign = CampaignFactory(account=account, type="ab-test", ab_enabled=True)
    VariantFactory(campaign=campaign, key="A", split_percentage=30, is_winner=True)
    VariantFactory(campaign=campaign, key="B", split_percentage=70)
    WorkflowStepFactory(campaign=campaign, step_id="s1", delay_hours=12)

    # when
    body = api.get(f"/api/campaigns/{campaign.pk}").json()

    # then
    assert body["abTest"]["enabled"] is True
    assert [(v["id"], v["splitPercentage"], v["winner"]) for v in body["abTest"]["variants"]] == [
        ("A", 30, True),
        ("B", 70, False),
    ]
    assert body["automation"]["workflow"][0]["stepId"] == "s1"
    assert body["automation"]["workflow"][0]["delayHours"] == 12


def test_unknown_id_is_404(api):
    response = api.get("/api/campaigns/987654")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_non_numeric_id_is_422_on_campaign_id(api):
    response = api.get("/api/campaigns/abc")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["campaignId"]
