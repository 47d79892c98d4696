"""``campaign_create`` / ``campaign_update`` called with model-field dicts, as pages and the
wizard call them (the API reaches them through its schema)."""

from datetime import UTC, datetime, time

import pytest

from campaigns.models import Campaign, CampaignActivity
from campaigns.services import crud
from core.errors import Conflict, ValidationFailed
from tests.factories import (
    CampaignFactory,
    MessageTemplateFactory,
    SegmentFactory,
    SenderFactory,
    VariantFactory,
)


def _fields(info) -> set[str]:
    return {p["field"] for p in info.value.extra["problems"]}


def test_create_from_model_fields(account, user, sender, segments, template):
    # when
    campaign = crud.campaign_create(
        account=account,
        actor=user,
        data={
            "name": "  Welcome  ",
            "type": "drip",
            "sender_id": sender.pk,
            "template_id": template.pk,
            "message_type": "template",
            "segment_ids": [s.pk for s in segments],
            "audience_type": "segment",
            "delivery_time": "08:15",
            "start_date": datetime(2030, 5, 1, 9, 0),  # noqa: DTZ001 (naive: the campaign's zone)
            "timezone": "Asia/Tokyo",
            "send_now": False,
            "workflow": [
                {"step_id": "d1", "delay_hours": 0, "message": {"content": "Day 1"}},
                {"step_id": "d2", "delay_hours": 24, "message": {"content": "Day 2"}},
            ],
        },
    )

    # then
    campaign.refresh_from_db()
    assert campaign.name == "Welcome"
    assert campaign.created_by == user
    assert campaign.status == Campaign.Status.DRAFT
    assert set(campaign.segments.all()) == set(segments)
    assert campaign.delivery_time == time(8, 15)
    assert campaign.start_date.isoformat() == "2030-05-01T00:00:00+00:00"
    assert [(s.step_id, s.position) for s in campaign.workflow.all()] == [("d1", 0), ("d2", 1)]
    activity = CampaignActivity.objects.get(campaign=campaign)
    assert activity.action == "create"
    assert activity.actor == user


def test_create_defaults_the_time_zone_to_the_accounts(account, user):
    campaign = crud.campaign_create(account=account, actor=user, data={"name": "Tz"})
    assert campaign.timezone == "Europe/Paris"


def test_unknown_keys_are_a_programming_error(account, user):
    with pytest.raises(TypeError, match="colour"):
        crud.campaign_create(account=account, actor=user, data={"name": "X", "colour": "red"})


def test_references_must_belong_to_the_account(account, other_account, user):
    # given rows of another account
    rival_sender = SenderFactory(account=other_account)
    rival_template = MessageTemplateFactory(account=other_account)
    rival_segment = SegmentFactory(account=other_account)

    # when
    with pytest.raises(ValidationFailed) as info:
        crud.campaign_create(
            account=account,
            actor=user,
            data={
                "name": "X",
                "sender_id": rival_sender.pk,
                "template_id": rival_template.pk,
                "segment_ids": [rival_segment.pk],
                "exclude_segment_ids": [rival_segment.pk],
            },
        )

    # then
    assert _fields(info) == {
        "phoneNumberId",
        "message.templateId",
        "audience.segmentIds",
        "audience.excludeSegmentIds",
    }
    assert not Campaign.objects.exists()


def test_model_level_checks_for_callers_without_a_schema(account, user):
    # when a form hands over values the API schema would have refused
    with pytest.raises(ValidationFailed) as info:
        crud.campaign_create(
            account=account,
            actor=user,
            data={
                "name": "X",
                "type": "blast",
                "timezone": "Nowhere/City",
                "tracking_url": "not-a-url",
                "delivery_time": "25:61",
                "buttons": [{"text": "x" * 21, "type": "url", "value": "nope"}] * 4,
                "media_urls": ["https://ok.example.com/a.png", "bad"],
                "variants": [
                    {"key": "A", "name": "A", "split_percentage": 150},
                    {"key": "A", "name": "", "split_percentage": 10},
                ],
                "triggers": [{"type": "moon"}],
                "workflow": [{"step_id": "s", "delay_hours": -1}, {"step_id": "s"}],
                "start_date": datetime(2030, 1, 2, 12, 0, tzinfo=UTC),
                "end_date": datetime(2030, 1, 1, 12, 0, tzinfo=UTC),
            },
        )

    # then every problem is named with the API's path
    assert _fields(info) == {
        "type",
        "scheduling.timezone",
        "trackingUrl",
        "scheduling.deliveryTime",
        "message.buttons",
        "message.buttons.0.text",
        "message.buttons.0.value",
        "message.buttons.1.text",
        "message.buttons.1.value",
        "message.buttons.2.text",
        "message.buttons.2.value",
        "message.buttons.3.text",
        "message.buttons.3.value",
        "message.mediaUrls.1",
        "abTest.variants.0.splitPercentage",
        "abTest.variants.1.id",
        "abTest.variants.1.name",
        "automation.triggers.0.type",
        "automation.workflow.0.delayHours",
        "automation.workflow.1.stepId",
        "scheduling.endDate",
    }
    assert not Campaign.objects.exists()


def test_partial_update_changes_only_what_is_given(account, user, segments):
    # given
    campaign = CampaignFactory(account=account, description="Keep me")
    campaign.segments.set(segments)
    VariantFactory(campaign=campaign, key="A")

    # when
    crud.campaign_update(campaign=campaign, actor=user, data={"name": "New"}, partial=True)

    # then
    campaign.refresh_from_db()
    assert campaign.name == "New"
    assert campaign.description == "Keep me"
    assert campaign.segments.count() == 2
    assert campaign.variants.count() == 1
    activity = CampaignActivity.objects.get(campaign=campaign, action="update")
    assert activity.detail["fields"] == ["name"]


def test_full_update_resets_the_rest(account, user, segments):
    # given
    campaign = CampaignFactory(account=account, description="Gone soon", frequency_cap_hours=12)
    campaign.segments.set(segments)
    VariantFactory(campaign=campaign, key="A")

    # when
    crud.campaign_update(campaign=campaign, actor=user, data={"name": campaign.name})

    # then
    campaign.refresh_from_db()
    assert campaign.description == ""
    assert campaign.frequency_cap_hours is None
    assert campaign.sender is None
    assert campaign.segments.count() == 0
    assert campaign.variants.count() == 0


def test_an_unchanged_update_records_nothing(account, user):
    campaign = CampaignFactory(account=account)
    crud.campaign_update(campaign=campaign, actor=user, data={"name": campaign.name}, partial=True)
    assert not CampaignActivity.objects.filter(campaign=campaign).exists()


def test_a_failed_update_leaves_the_instance_and_row_alone(account, user):
    # given
    campaign = CampaignFactory(account=account, name="Before", description="Before")

    # when one field is wrong
    with pytest.raises(ValidationFailed):
        crud.campaign_update(
            campaign=campaign,
            actor=user,
            data={"description": "After", "segment_ids": [999999]},
            partial=True,
        )

    # then neither the row nor the caller's object changed
    assert campaign.description == "Before"
    assert Campaign.objects.get(pk=campaign.pk).description == "Before"


@pytest.mark.parametrize("status", ["scheduled", "running", "paused", "completed", "failed"])
def test_only_drafts_are_editable(account, user, status):
    campaign = CampaignFactory(account=account, status=status)
    with pytest.raises(Conflict):
        crud.campaign_update(campaign=campaign, actor=user, data={"name": "X"}, partial=True)


def test_a_deleted_campaign_is_not_editable(account, user):
    campaign = CampaignFactory(account=account)
    from campaigns.services import transitions

    transitions.campaign_delete(campaign=campaign, actor=user)
    with pytest.raises(Conflict):
        crud.campaign_update(campaign=campaign, actor=user, data={"name": "X"}, partial=True)


def test_the_name_of_a_deleted_campaign_is_still_taken(account, user):
    # given a deleted campaign
    from campaigns.services import transitions

    old = CampaignFactory(account=account, name="Autumn")
    transitions.campaign_delete(campaign=old, actor=user)

    # when its name is reused
    with pytest.raises(ValidationFailed) as info:
        crud.campaign_create(account=account, actor=user, data={"name": "autumn"})

    # then the message says how to get it back
    assert _fields(info) == {"name"}
    assert "restore" in info.value.message


def test_phone_number_id_chooses_the_sender(account, user, sender):
    campaign = crud.campaign_create(
        account=account, actor=user, data={"name": "X", "phone_number_id": sender.phone_number_id}
    )
    assert campaign.sender == sender
