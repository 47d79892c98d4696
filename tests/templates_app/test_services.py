import pytest
from django.utils import timezone

from core.errors import Conflict, ValidationFailed
from templates_app.models import MessageTemplate
from templates_app.services import template_create, template_delete, template_update
from tests.factories import CampaignFactory, MessageTemplateFactory


def problems_of(excinfo) -> dict[str, str]:
    return {p["field"]: p["message"] for p in excinfo.value.extra["problems"]}


def rejected(account, data) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as excinfo:
        template_create(account=account, data=data)
    assert MessageTemplate.objects.count() == 0
    return problems_of(excinfo)


def test_create_stores_a_valid_template(account, template_data):
    # when
    template = template_create(account=account, data=template_data)

    # then
    template.refresh_from_db()
    assert template.account == account
    assert template.name == "spring_sale"
    assert template.header_type == "text"
    assert template.header_text == "Hello {{1}}"
    assert template.body == "Hi {{1}}, use code {{2}} before Sunday."
    assert template.buttons == [
        {"type": "url", "text": "Shop now", "value": "https://shop.example.com/sale"},
        {"type": "call", "text": "Call us", "value": "+14155550123"},
    ]
    assert template.variables == [
        {"name": "1", "example": "Ada"},
        {"name": "2", "example": "SPRING10"},
    ]


def test_create_fills_defaults_and_drops_unused_variables(account):
    template = template_create(
        account=account,
        data={
            "name": "plain",
            "body": "Thanks {{first_name}}!",
            "variables": [
                {"name": "unused", "example": "x"},
                {"name": "first_name", "example": "Ada"},
            ],
        },
    )

    assert (template.category, template.language, template.status) == (
        "marketing",
        "en",
        "draft",
    )
    assert template.header_type == "none"
    assert template.variables == [{"name": "first_name", "example": "Ada"}]


@pytest.mark.parametrize(
    "name", ["", "Spring_Sale", "spring sale", "spring-sale", "é_sale", "x" * 513]
)
def test_name_is_lowercase_letters_digits_underscores_up_to_512(account, template_data, name):
    template_data["name"] = name

    assert "name" in rejected(account, template_data)


def test_name_of_512_characters_is_accepted(account, template_data):
    template_data["name"] = "a" * 512

    assert template_create(account=account, data=template_data).name == "a" * 512


@pytest.mark.parametrize(
    ("field", "value"),
    [("category", "promo"), ("status", "live"), ("language", "English"), ("language", "")],
)
def test_choices_and_language_code_are_checked(account, template_data, field, value):
    template_data[field] = value

    assert field in rejected(account, template_data)


def test_header_text_limit_is_60(account, template_data):
    template_data["header"]["text"] = "H" * 61

    assert "60" in rejected(account, template_data)["header.text"]


def test_header_text_holds_at_most_one_variable(account, template_data):
    template_data["header"]["text"] = "{{1}} and {{2}}"

    assert "one variable" in rejected(account, template_data)["header.text"]


def test_text_header_needs_text(account, template_data):
    template_data["header"] = {"type": "text", "text": "  "}

    assert "header.text" in rejected(account, template_data)


@pytest.mark.parametrize("url", ["", "not a url", "ftp://example.com/a.png"])
def test_media_header_needs_an_http_url(account, template_data, url):
    template_data["header"] = {"type": "image", "mediaUrl": url}

    assert "header.mediaUrl" in rejected(account, template_data)


def test_media_header_drops_header_text(account, template_data):
    template_data["header"] = {
        "type": "image",
        "text": "ignored {{1}}",
        "mediaUrl": "https://cdn.example.com/banner.jpg",
    }

    template = template_create(account=account, data=template_data)

    assert template.header_type == "image"
    assert template.header_text == ""
    assert template.header_media_url == "https://cdn.example.com/banner.jpg"


def test_unknown_header_type_is_rejected(account, template_data):
    template_data["header"] = {"type": "gif"}

    assert "header.type" in rejected(account, template_data)


def test_body_is_required_and_at_most_1024(account, template_data):
    template_data["body"] = ""
    assert "body" in rejected(account, template_data)

    template_data["body"] = "x" * 1025
    assert "1024" in rejected(account, template_data)["body"]


def test_body_of_1024_characters_is_accepted(account, template_data):
    template_data["body"] = "Hi {{1}} {{2}}" + "x" * (1024 - 14)

    assert len(template_create(account=account, data=template_data).body) == 1024


def test_footer_limit_and_no_variables(account, template_data):
    template_data["footer"] = "f" * 61
    assert "60" in rejected(account, template_data)["footer"]

    template_data["footer"] = "Bye {{1}}"
    assert "variables" in rejected(account, template_data)["footer"]


def test_malformed_body_names_the_position(account, template_data):
    template_data["body"] = "Hi {{1}}, code {{2"

    message = rejected(account, template_data)["body"]

    assert "never closed" in message
    assert "line 1, column 16" in message


def test_conditions_and_inline_fallbacks_belong_to_campaigns(account, template_data):
    template_data["body"] = "Hi {{1|there}} {{2}}"
    assert "personalization" in rejected(account, template_data)["body"]

    template_data["body"] = "{% if 1 %}Hi {{1}} {{2}}{% endif %}"
    assert "Conditional" in rejected(account, template_data)["body"]


def test_dotted_variables_are_not_template_variables(account, template_data):
    template_data["body"] = "Hi {{attributes.city}}"
    template_data["header"] = {"type": "none"}
    template_data["variables"] = [{"name": "attributes.city", "example": "Paris"}]

    assert "numbered" in rejected(account, template_data)["body"]


def test_numbered_variables_run_from_one_without_gaps(account, template_data):
    template_data["header"] = {"type": "none"}
    template_data["body"] = "Hi {{1}}, code {{3}}"
    template_data["variables"] = [{"name": "1", "example": "a"}, {"name": "3", "example": "c"}]

    assert "{{2}} is missing" in rejected(account, template_data)["body"]


def test_numbered_variables_may_appear_out_of_order(account, template_data):
    template_data["header"] = {"type": "none"}
    template_data["body"] = "Code {{2}} for {{1}}, again {{2}}"

    template = template_create(account=account, data=template_data)

    assert [v["name"] for v in template.variables] == ["2", "1"]


def test_numbered_and_named_variables_do_not_mix(account, template_data):
    template_data["body"] = "Hi {{first_name}} {{1}} {{2}}"
    template_data["variables"].append({"name": "first_name", "example": "Ada"})

    assert "not both" in rejected(account, template_data)["body"]


def test_every_variable_needs_an_example(account, template_data):
    # given the second variable's example is blank and the header's variable has none
    template_data["variables"] = [{"name": "2", "example": "  "}]

    # when
    problems = rejected(account, template_data)

    # then each is reported at its place in the template's variable list
    assert problems["variables.0.example"] == "Give an example value for {{1}}."
    assert problems["variables.1.example"] == "Give an example value for {{2}}."


def test_buttons_at_most_ten(account, template_data):
    template_data["buttons"] = [
        {"type": "quickreply", "text": f"Option {i}", "value": ""} for i in range(11)
    ]

    assert "10" in rejected(account, template_data)["buttons"]


def test_at_most_two_url_buttons_and_one_call_button(account, template_data):
    url = {"type": "url", "text": "Shop", "value": "https://example.com"}
    call = {"type": "call", "text": "Call", "value": "+14155550123"}

    template_data["buttons"] = [url, url, url]
    assert "2 URL" in rejected(account, template_data)["buttons"]

    template_data["buttons"] = [call, call]
    assert "1 call" in rejected(account, template_data)["buttons"]


def test_button_text_is_required_and_at_most_25(account, template_data):
    template_data["buttons"] = [
        {"type": "quickreply", "text": "", "value": ""},
        {"type": "quickreply", "text": "x" * 26, "value": ""},
    ]

    problems = rejected(account, template_data)

    assert "buttons.0.text" in problems
    assert "25" in problems["buttons.1.text"]


@pytest.mark.parametrize(
    ("button", "field"),
    [
        ({"type": "teleport", "text": "Go", "value": ""}, "buttons.0.type"),
        ({"type": "url", "text": "Go", "value": "example"}, "buttons.0.value"),
        ({"type": "url", "text": "Go", "value": ""}, "buttons.0.value"),
        ({"type": "call", "text": "Call", "value": "12"}, "buttons.0.value"),
        ({"type": "call", "text": "Call", "value": ""}, "buttons.0.value"),
    ],
)
def test_button_type_and_value_are_checked(account, template_data, button, field):
    template_data["buttons"] = [button]

    assert field in rejected(account, template_data)


def test_dynamic_url_and_phone_normalisation(account, template_data):
    template_data["buttons"] = [
        {"type": "url", "text": "Track", "value": "https://example.com/orders/{{1}}"},
        {"type": "call", "text": "Call", "value": "+44 20 7946 0958"},
        {"type": "quick_reply", "text": "Stop", "value": "STOP"},
    ]

    template = template_create(account=account, data=template_data)

    assert template.buttons[1]["value"] == "+442079460958"
    assert template.buttons[2]["type"] == "quickreply"


def test_quick_replies_cannot_surround_call_to_action_buttons(account, template_data):
    reply = {"type": "quickreply", "text": "Yes", "value": ""}
    url = {"type": "url", "text": "Shop", "value": "https://example.com"}

    template_data["buttons"] = [reply, url, reply]
    assert "together" in rejected(account, template_data)["buttons"]

    template_data["buttons"] = [reply, reply, url]
    assert template_create(account=account, data=template_data).pk


def test_name_and_language_are_unique_per_account(account, other_account, template_data):
    # given
    template_create(account=account, data=template_data)

    # when the same name and language come again
    with pytest.raises(ValidationFailed) as excinfo:
        template_create(account=account, data=template_data)

    # then
    assert "already exists" in problems_of(excinfo)["name"]
    # and another language or another account is fine
    template_data["language"] = "fr"
    assert template_create(account=account, data=template_data).pk
    template_data["language"] = "en"
    assert template_create(account=other_account, data=template_data).pk
    assert MessageTemplate.objects.count() == 3


def test_all_problems_are_reported_at_once(account, template_data):
    template_data.update(name="Bad Name", body="", footer="x" * 70)

    problems = rejected(account, template_data)

    assert {"name", "body", "footer"} <= set(problems)


def test_update_merges_partial_data(account, template_data):
    # given
    template = template_create(account=account, data=template_data)

    # when only the footer and the header's text change
    template_update(
        template=template, data={"footer": "See you soon", "header": {"text": "Hey {{1}}"}}
    )

    # then
    template.refresh_from_db()
    assert template.footer == "See you soon"
    assert template.header_text == "Hey {{1}}"
    assert template.header_type == "text"
    assert template.body == template_data["body"]


def test_invalid_update_changes_nothing(account, template_data):
    template = template_create(account=account, data=template_data)

    with pytest.raises(ValidationFailed):
        template_update(template=template, data={"body": "Hi {{1}} {{3}}", "name": "renamed"})

    template.refresh_from_db()
    assert template.name == "spring_sale"
    assert template.body == template_data["body"]


def test_update_cannot_take_the_name_of_another_template(account, template_data):
    template_create(account=account, data=template_data)
    template_data["name"] = "other"
    other = template_create(account=account, data=template_data)

    with pytest.raises(ValidationFailed) as excinfo:
        template_update(template=other, data={"name": "spring_sale"})

    assert "already exists" in problems_of(excinfo)["name"]


def test_update_keeping_its_own_name_is_fine(account, template_data):
    template = template_create(account=account, data=template_data)

    template_update(template=template, data={"name": "spring_sale", "status": "pending"})

    template.refresh_from_db()
    assert template.status == "pending"


def test_delete_removes_an_unused_template(account):
    template = MessageTemplateFactory(account=account)

    template_delete(template=template)

    assert not MessageTemplate.objects.filter(pk=template.pk).exists()


@pytest.mark.parametrize("in_bin", [False, True])
def test_delete_of_a_template_used_by_a_campaign_is_a_conflict(account, in_bin):
    # given a template used by a campaign, even one in the bin
    template = MessageTemplateFactory(account=account)
    CampaignFactory(
        account=account,
        template=template,
        name="Spring sale",
        deleted_at=timezone.now() if in_bin else None,
    )

    # when
    with pytest.raises(Conflict) as excinfo:
        template_delete(template=template)

    # then
    assert excinfo.value.status_code == 409
    assert "“Spring sale”" in excinfo.value.message
    assert "cannot be deleted" in excinfo.value.message
    assert MessageTemplate.objects.filter(pk=template.pk).exists()


@pytest.mark.parametrize(
    "url",
    ["https://shop.example.com/{{1}}/track", "https://shop.example.com/{{1}}/{{2}}"],
    ids=["variable not last", "two variables"],
)
def test_a_dynamic_url_has_one_variable_at_its_end(account, template_data, url):
    # WhatsApp appends the send's value to the fixed start of the URL: one variable, last
    template_data["buttons"] = [{"type": "url", "text": "Track", "value": url}]
    assert "at its very end" in rejected(account, template_data)["buttons.0.value"]
