import pytest

from campaigns.models import TestContact
from tests.factories import CampaignFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def someone(account):
    """Somebody to send to: an empty audience is not published."""
    return ContactFactory(account=account)


def test_validate_lists_every_problem_with_its_field(account, api):
    campaign = CampaignFactory(account=account, sender=None, message_content="")
    body = api.post(f"/api/campaigns/{campaign.pk}/validate").json()
    assert body["valid"] is False
    assert {p["field"] for p in body["problems"]} == {"phoneNumberId", "message.content"}


def test_validate_answers_valid_for_a_ready_campaign(account, api):
    campaign = CampaignFactory(account=account)
    assert api.post(f"/api/campaigns/{campaign.pk}/validate").json() == {
        "valid": True,
        "problems": [],
    }


def test_validate_of_another_accounts_campaign_is_404(other_account, api):
    campaign = CampaignFactory(account=other_account)
    assert api.post(f"/api/campaigns/{campaign.pk}/validate").status_code == 404


def test_validate_without_key_is_401(client, account):
    campaign = CampaignFactory(account=account)
    assert client.post(f"/api/campaigns/{campaign.pk}/validate").status_code == 401


def test_preview_sends_the_rendered_message_to_test_contacts(account, api):
    campaign = CampaignFactory(account=account, message_content="Hi {{first_name|there}}!")
    ada = ContactFactory(account=account, first_name="Ada")
    nameless = ContactFactory(account=account, first_name="")
    TestContact.objects.create(account=account, contact=ada)
    TestContact.objects.create(account=account, contact=nameless)
    body = api.post(f"/api/campaigns/{campaign.pk}/preview").json()
    assert body["sent"] == 2
    assert [(r["to"], r["text"], r["ok"]) for r in body["results"]] == [
        (ada.phone, "Hi Ada!", True),
        (nameless.phone, "Hi there!", True),
    ]
    assert all(r["providerMessageId"] for r in body["results"])
    campaign.refresh_from_db()
    assert campaign.total_sent == 0


def test_preview_without_test_contacts_is_422(account, api):
    campaign = CampaignFactory(account=account)
    r = api.post(f"/api/campaigns/{campaign.pk}/preview")
    assert r.status_code == 422
    assert "test contact" in r.json()["detail"]


def test_preview_of_another_accounts_campaign_is_404(other_account, api):
    campaign = CampaignFactory(account=other_account)
    assert api.post(f"/api/campaigns/{campaign.pk}/preview").status_code == 404
