import pytest
from playwright.sync_api import expect

from templates_app.models import MessageTemplate

SCREENSHOT = "/tmp/templates_editor.png"


@pytest.mark.browser
@pytest.mark.slow
def test_create_a_template_with_a_variable_and_see_the_preview(
    signed_in_page, live_server, account
):
    page = signed_in_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # given the editor of a new template
    page.goto(f"{live_server.url}/dashboard/campaigns/templates/new/")
    expect(page.get_by_role("heading", name="New template")).to_be_visible()

    # when the marketer writes a body and inserts the next numbered variable from the menu
    page.get_by_label("Name").fill("order_ready")
    page.get_by_label("Header", exact=True).select_option("text")
    page.get_by_label("Header text").fill("Order update")
    body = page.locator("#tpl-body")
    body.click()
    body.press_sequentially("Hi ")
    page.get_by_role("button", name="Insert variable").click()
    page.get_by_role("menuitem", name="Next number").click()
    body.press_sequentially(", your order is ready.")

    # then a row for the variable's example appears; filling it updates the preview
    example = page.get_by_label("Example for {{1}}")
    expect(example).to_be_visible()
    expect(page.locator("#tpl-p-body")).to_have_text("Hi {{1}}, your order is ready.")
    example.fill("Ada")
    expect(page.locator("#tpl-p-body")).to_have_text("Hi Ada, your order is ready.")
    expect(page.locator("#tpl-p-header")).to_have_text("Order update")

    # and a button added in the buttons editor shows under the bubble
    page.get_by_role("button", name="+ Add button").click()
    page.get_by_label("Button 1 type").select_option("url")
    page.get_by_label("Button 1 text").fill("Track order")
    page.get_by_label("Button 1 link, phone or payload").fill("https://shop.example.com/track")
    expect(page.locator("#tpl-p-buttons li")).to_have_text(["Track order"])
    page.screenshot(path=SCREENSHOT, full_page=True)

    # when it is saved
    page.get_by_role("button", name="Create template").click()

    # then the template is stored and the server's preview shows the same text
    expect(page.get_by_text("Template “order_ready” created.")).to_be_visible()
    template = MessageTemplate.objects.get(account=account, name="order_ready")
    assert template.body == "Hi {{1}}, your order is ready."
    assert template.variables == [{"name": "1", "example": "Ada"}]
    assert template.buttons == [
        {"type": "url", "text": "Track order", "value": "https://shop.example.com/track"}
    ]
    expect(page.locator("#tpl-p-body")).to_have_text("Hi Ada, your order is ready.")
    page.screenshot(path="/tmp/templates_editor_saved.png", full_page=True)

    # and the list shows it
    page.get_by_role("link", name="← Message templates").click()
    expect(page.get_by_role("link", name="order_ready")).to_be_visible()
    page.screenshot(path="/tmp/templates_list.png", full_page=True)
    assert errors == []


@pytest.mark.browser
@pytest.mark.slow
def test_named_variable_from_the_menu_and_inline_errors_after_a_rejected_save(
    signed_in_page, live_server, account
):
    page = signed_in_page

    # given a body with a named variable picked from the insert menu, and no example for it
    page.goto(f"{live_server.url}/dashboard/campaigns/templates/new/")
    page.get_by_label("Name").fill("Not Valid")
    page.locator("#tpl-body").fill("Hello ")
    page.locator("#tpl-body").press("End")
    page.get_by_role("button", name="Insert variable").click()
    expect(page.get_by_role("menu")).to_be_visible()
    page.screenshot(path="/tmp/templates_editor_menu.png")
    page.get_by_role("menuitem", name="Contact: first_name").click()
    expect(page.locator("#tpl-body")).to_have_value("Hello {{first_name}}")
    expect(page.get_by_label("Example for {{first_name}}")).to_have_value("")

    # when it is saved
    page.get_by_role("button", name="Create template").click()

    # then the page says what is wrong, next to each field, and keeps what was typed
    expect(page.get_by_role("alert")).to_contain_text("The template was not saved")
    expect(page.locator("#tpl-name-error")).to_contain_text("lowercase letters")
    expect(page.locator("#tpl-var-0-error")).to_have_text(
        "Give an example value for {{first_name}}."
    )
    expect(page.locator("#tpl-body")).to_have_value("Hello {{first_name}}")
    page.screenshot(path="/tmp/templates_editor_errors.png", full_page=True)
    assert not MessageTemplate.objects.exists()
