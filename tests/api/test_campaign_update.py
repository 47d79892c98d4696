from campaigns.models import Campaign, CampaignActivity
from tests.api.documents import full_document
from tests.factories import CampaignFactory, VariantFactory


def _url(campaign):
    return f"/api/campaigns/{campaign.pk}"


def test_put_replaces_the_document(api, campaign, sender, segments, template):
    # given a plain draft
    document = full_document(sender=sender, segments=segments, template=template)

    # when the whole document is put
    response = api.put(_url(campaign), document, content_type="application/json")

    # then the campaign is that document
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Black Friday"
    assert body["abTest"]["variants"][1]["name"] == "Free shipping"
    assert body["audience"]["segmentIds"] == [segments[0].pk]
    campaign.refresh_from_db()
    assert campaign.name == "Black Friday"
    assert campaign.template == template
    assert campaign.variants.count() == 2
    activity = CampaignActivity.objects.get(campaign=campaign, action="update")
    assert "variants" in activity.detail["fields"]
    assert "name" in activity.detail["fields"]


def test_put_resets_what_the_document_leaves_out(api, account, sender, segments, template):
    # given a draft with segments, variants, a template and a tracking URL
    campaign = CampaignFactory(
        account=account, sender=sender, template=template, tracking_url="https://t.example.com"
    )
    campaign.segments.set(segments)
    VariantFactory(campaign=campaign, key="A")
    campaign.personalization = {"fallbacks": {"first_name": "friend"}}
    campaign.save(update_fields=["personalization"])

    # when a document with only a name and a sender is put
    document = {"name": "Renamed", "phoneNumberId": sender.phone_number_id}
    body = api.put(_url(campaign), document, content_type="application/json").json()

    # then everything else is back to its default, except what the document cannot express
    assert body["audience"]["segmentIds"] == []
    assert body["abTest"]["variants"] == []
    assert body["message"]["templateId"] is None
    assert body["trackingUrl"] == ""
    campaign.refresh_from_db()
    assert campaign.variants.count() == 0
    assert campaign.personalization == {"fallbacks": {"first_name": "friend"}}


def test_put_can_keep_its_own_name(api, campaign):
    response = api.put(_url(campaign), {"name": "SPRING sale"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["name"] == "SPRING sale"


def test_put_cannot_take_another_campaigns_name(api, account, campaign):
    # given
    other = CampaignFactory(account=account, name="Summer")

    # when
    response = api.put(_url(other), {"name": "Spring sale"}, content_type="application/json")

    # then
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert Campaign.objects.get(pk=other.pk).name == "Summer"


def test_put_with_bad_input_changes_nothing(api, campaign, segments):
    # given a draft with a segment
    campaign.segments.set([segments[0]])

    # when a document is put whose second segment id is unknown
    document = {
        "name": "Changed",
        "audience": {"type": "segment", "segmentIds": [segments[1].pk, 424242]},
    }
    response = api.put(_url(campaign), document, content_type="application/json")

    # then nothing changed
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["audience.segmentIds"]
    campaign.refresh_from_db()
    assert campaign.name == "Spring sale"
    assert list(campaign.segments.all()) == [segments[0]]
    assert not CampaignActivity.objects.filter(campaign=campaign, action="update").exists()


def test_put_on_a_running_campaign_is_409(api, campaign):
    # given
    Campaign.objects.filter(pk=campaign.pk).update(status="running")

    # when
    response = api.put(_url(campaign), {"name": "Too late"}, content_type="application/json")

    # then
    assert response.status_code == 409
    assert "draft" in response.json()["detail"]
    assert Campaign.objects.get(pk=campaign.pk).name == "Spring sale"


def test_put_on_a_deleted_campaign_is_404(api, campaign):
    api.delete(_url(campaign))
    response = api.put(_url(campaign), {"name": "Ghost"}, content_type="application/json")
    assert response.status_code == 404
