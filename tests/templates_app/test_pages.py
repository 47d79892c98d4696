import pytest
from django.urls import reverse

from accounts.models import Role
from templates_app.models import MessageTemplate
from tests.factories import CampaignFactory, MessageTemplateFactory

EDITORS = [Role.OWNER, Role.MANAGER, Role.MARKETER]


def editor_post(**changes) -> dict:
    """What the editor form sends for a valid template; ``changes`` override fields."""
    data = {
        "name": "welcome_back",
        "language": "en",
        "category": "marketing",
        "status": "draft",
        "header_type": "text",
        "header_text": "Welcome {{1}}",
        "header_media_url": "",
        "body": "Hi {{1}}, your code is {{2}}.",
        "footer": "Acme",
        "variable_name": ["1", "2"],
        "variable_example": ["Ada", "WELCOME5"],
        "button_type": ["quickreply", "url"],
        "button_text": ["Stop", "Shop"],
        "button_value": ["STOP", "https://shop.example.com"],
    }
    data.update(changes)
    return data


@pytest.fixture
def as_role(client, account, make_member):
    def login(role):
        client.force_login(make_member(account, role))
        return client

    return login


@pytest.mark.parametrize("role", [*EDITORS, Role.VIEWER])
def test_list_renders_for_every_role_and_hides_changes_from_viewers(as_role, account, role):
    # given
    MessageTemplateFactory(account=account, name="spring_offer")
    client = as_role(role)

    # when
    response = client.get(reverse("templates:list"))

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "spring_offer" in html
    assert response.context["nav"] == "templates"
    can_edit = role != Role.VIEWER
    assert (reverse("templates:create") in html) is can_edit
    assert ("Delete" in html) is can_edit


def test_list_searches_filters_and_paginates(logged_in_client, account, other_account):
    # given
    for i in range(23):
        MessageTemplateFactory(account=account, name=f"promo_{i:02d}", category="marketing")
    MessageTemplateFactory(account=account, name="receipt", category="utility", status="pending")
    MessageTemplateFactory(account=other_account, name="promo_rival")
    url = reverse("templates:list")

    # when / then
    page1 = logged_in_client.get(url, {"q": "promo"})
    assert page1.context["page"].paginator.count == 23
    assert len(page1.context["page"].object_list) == 20
    assert "promo_rival" not in page1.content.decode()
    page2 = logged_in_client.get(url, {"q": "promo", "page": 2})
    assert [t.name for t in page2.context["page"].object_list] == [
        "promo_20",
        "promo_21",
        "promo_22",
    ]
    only = logged_in_client.get(url, {"category": "utility", "status": "pending"})
    assert [t.name for t in only.context["page"].object_list] == ["receipt"]
    bogus = logged_in_client.get(url, {"status": "nonsense", "page": "x"})
    assert bogus.status_code == 200
    assert bogus.context["page"].paginator.count == 24


def test_list_shows_usage_and_no_delete_for_used_templates(logged_in_client, account):
    used = MessageTemplateFactory(account=account, name="used_one")
    CampaignFactory(account=account, template=used)

    html = logged_in_client.get(reverse("templates:list")).content.decode()

    assert "1 campaign" in html
    assert reverse("templates:delete", args=[used.pk]) not in html


def test_list_requires_login(client, db):
    response = client.get(reverse("templates:list"))

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("role", EDITORS)
def test_editors_open_the_editor(as_role, account, role):
    client = as_role(role)
    template = MessageTemplateFactory(account=account, body="Hi {{1}}")

    assert client.get(reverse("templates:create")).status_code == 200
    response = client.get(reverse("templates:edit", args=[template.pk]))
    assert response.status_code == 200
    assert response.context["read_only"] is False
    assert 'id="tpl-save"' in response.content.decode()


def test_create_saves_and_redirects_to_the_editor_with_a_server_preview(logged_in_client, account):
    # when
    response = logged_in_client.post(reverse("templates:create"), editor_post(), follow=True)

    # then
    template = MessageTemplate.objects.get(account=account, name="welcome_back")
    assert response.redirect_chain[-1][0] == reverse("templates:edit", args=[template.pk])
    assert template.variables == [
        {"name": "1", "example": "Ada"},
        {"name": "2", "example": "WELCOME5"},
    ]
    assert template.buttons == [
        {"type": "quickreply", "text": "Stop", "value": "STOP"},
        {"type": "url", "text": "Shop", "value": "https://shop.example.com"},
    ]
    assert response.context["preview"]["header"] == "Welcome Ada"
    assert response.context["preview"]["body"] == "Hi Ada, your code is WELCOME5."
    html = response.content.decode()
    assert "Hi Ada, your code is WELCOME5." in html
    assert "created" in html


def test_invalid_post_shows_inline_errors_and_saves_nothing(logged_in_client, account):
    # given a body with a gap, a missing example and a too-long button text
    data = editor_post(
        name="Bad Name",
        body="Hi {{1}} {{3}}",
        variable_name=["1", "3"],
        variable_example=["Ada", ""],
        button_text=["x" * 30, "Shop"],
    )

    # when
    response = logged_in_client.post(reverse("templates:create"), data)

    # then
    assert response.status_code == 422
    assert MessageTemplate.objects.count() == 0
    errors = response.context["errors"]
    assert "name" in errors
    assert "{{2}} is missing" in errors["body"][0]
    assert response.context["variable_rows"][1]["errors"] == ["Give an example value for {{3}}."]
    assert "25" in response.context["button_rows"][0]["errors"][0]
    html = response.content.decode()
    assert "The template was not saved" in html
    assert 'aria-invalid="true"' in html
    # the submitted values are kept
    assert 'value="Bad Name"' in html


def test_edit_saves_changes(logged_in_client, account):
    template = MessageTemplateFactory(account=account, name="old_name")

    response = logged_in_client.post(
        reverse("templates:edit", args=[template.pk]), editor_post(name="new_name")
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "new_name"
    assert template.footer == "Acme"


def test_html_in_template_text_shows_as_text(logged_in_client, account):
    template = MessageTemplateFactory(
        account=account,
        name="html_test",
        body="<script>alert(1)</script> Hi {{1}}",
        variables=[{"name": "1", "example": "<b>Ada</b>"}],
    )

    html = logged_in_client.get(reverse("templates:edit", args=[template.pk])).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "<b>Ada</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hi &lt;b&gt;Ada&lt;/b&gt;" in html


def test_viewer_reads_the_editor_but_cannot_change(client, account, viewer):
    # given
    template = MessageTemplateFactory(account=account, name="keep_me", footer="original")
    client.force_login(viewer)

    # when / then: reading works, read only
    response = client.get(reverse("templates:edit", args=[template.pk]))
    assert response.status_code == 200
    assert response.context["read_only"] is True
    html = response.content.decode()
    assert "disabled" in html
    assert 'id="tpl-save"' not in html
    assert reverse("templates:delete", args=[template.pk]) not in html

    # and every write is refused, changing nothing
    assert client.get(reverse("templates:create")).status_code == 403
    assert client.post(reverse("templates:create"), editor_post()).status_code == 403
    edit = client.post(reverse("templates:edit", args=[template.pk]), editor_post())
    assert edit.status_code == 403
    delete = client.post(reverse("templates:delete", args=[template.pk]))
    assert delete.status_code == 403
    template.refresh_from_db()
    assert (template.name, template.footer) == ("keep_me", "original")
    assert MessageTemplate.objects.count() == 1


def test_another_accounts_template_is_404_and_untouched(logged_in_client, other_account):
    # given
    theirs = MessageTemplateFactory(account=other_account, name="theirs", footer="keep")

    # when / then
    edit_url = reverse("templates:edit", args=[theirs.pk])
    assert logged_in_client.get(edit_url).status_code == 404
    assert logged_in_client.post(edit_url, editor_post(footer="hacked")).status_code == 404
    delete_url = reverse("templates:delete", args=[theirs.pk])
    assert logged_in_client.post(delete_url).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.footer) == ("theirs", "keep")


def test_delete_removes_and_redirects(logged_in_client, account):
    template = MessageTemplateFactory(account=account, name="bye")

    response = logged_in_client.post(reverse("templates:delete", args=[template.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("templates:list")
    assert "deleted" in response.content.decode()
    assert not MessageTemplate.objects.filter(pk=template.pk).exists()


def test_delete_of_a_template_in_use_says_why_and_keeps_it(logged_in_client, account):
    template = MessageTemplateFactory(account=account, name="in_use")
    CampaignFactory(account=account, template=template, name="Big launch")

    response = logged_in_client.post(reverse("templates:delete", args=[template.pk]), follow=True)

    assert response.status_code == 200
    assert "Big launch" in response.content.decode()
    assert "cannot be deleted" in response.content.decode()
    assert MessageTemplate.objects.filter(pk=template.pk).exists()


def test_delete_needs_post(logged_in_client, account):
    template = MessageTemplateFactory(account=account)

    assert logged_in_client.get(reverse("templates:delete", args=[template.pk])).status_code == 405
    assert MessageTemplate.objects.filter(pk=template.pk).exists()


def test_tampered_rows_do_not_break_the_page(logged_in_client, account):
    # given mismatched repeated inputs and a huge number of rows
    data = editor_post(
        button_type=["url"] * 200,
        button_text=["Go"],
        button_value=[],
        variable_name=["1"],
        variable_example=[],
    )

    response = logged_in_client.post(reverse("templates:create"), data)

    assert response.status_code == 422
    assert MessageTemplate.objects.count() == 0
    assert len(response.context["button_rows"]) == 1
    assert response.context["button_rows"][0]["errors"] == ["Give the URL the button opens."]


def test_editor_of_a_used_template_names_its_campaigns_and_offers_no_delete(
    logged_in_client, account
):
    template = MessageTemplateFactory(account=account, name="in_use")
    CampaignFactory(account=account, template=template, name="Big launch")

    response = logged_in_client.get(reverse("templates:edit", args=[template.pk]))

    html = response.content.decode()
    assert "Used by 1 campaign (“Big launch”)" in html
    assert reverse("templates:delete", args=[template.pk]) not in html


def test_browser_line_breaks_count_once_against_the_body_limit(logged_in_client, account):
    # given a body of exactly 1024 characters once CRLF line breaks count as one
    body = "Hi {{1}}, code {{2}}\r\n" + "x" * (1024 - 21)

    response = logged_in_client.post(reverse("templates:create"), editor_post(body=body))

    assert response.status_code == 302
    assert len(MessageTemplate.objects.get(account=account).body) == 1024
