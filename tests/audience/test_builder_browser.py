"""The filter builder in Chromium: rows fit the field type, groups nest, the count is live."""

import os

import pytest

from audience.models import AttributeDefinition, Segment
from tests.factories import AttributeDefinitionFactory, ContactFactory, TagFactory

# Playwright's sync API runs an event loop in this thread; the ORM must be told that is fine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOT = "/tmp/segment_builder.png"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_build_a_nested_segment_and_watch_the_count(signed_in_page, live_server, account):
    from playwright.sync_api import expect

    page = signed_in_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # given French and American contacts, some with a number attribute and a tag
    AttributeDefinitionFactory(
        account=account, key="age", label="Age", type=AttributeDefinition.Type.NUMBER
    )
    vip = TagFactory(account=account, name="vip")
    for age in (20, 30, 40):
        ContactFactory(account=account, country="FR", attributes={"age": age})
    ContactFactory(account=account, country="US", attributes={"age": 50}).tags.add(vip)
    ContactFactory(account=account, country="US", attributes={"age": 60})

    # when the marketer opens the builder, every contact counts
    page.goto(f"{live_server.url}/dashboard/audience/segments/new/")
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "5")

    # and adds "Country is FR"
    page.get_by_role("button", name="Add a rule to the filter").click()
    page.get_by_label("Rule 1 field").select_option("country")
    page.get_by_label("Rule 1 operator").select_option("eq")
    page.get_by_label("Rule 1 value").fill("FR")
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "3")

    # then switches to "any of", adds a group "Age > 45 and tags has any vip"
    page.get_by_label("Root match").select_option("or")
    page.get_by_role("button", name="Add a group to the filter").click()
    page.get_by_label("Rule 2 match").select_option("and")
    page.get_by_label("Rule 2.1 field").select_option("attributes.age")
    # a number field offers number operators and a number input
    operators = page.get_by_label("Rule 2.1 operator").locator("option").all_inner_texts()
    assert ">" in operators
    assert "contains" not in operators
    page.get_by_label("Rule 2.1 operator").select_option("gt")
    page.get_by_label("Rule 2.1 value").fill("45")
    assert page.get_by_label("Rule 2.1 value").get_attribute("type") == "number"
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "5")
    page.get_by_role("button", name="Add a rule to Rule 2").click()
    page.get_by_label("Rule 2.2 field").select_option("tags")
    page.get_by_label("Rule 2.2 values (comma-separated)").fill("vip")
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "4")

    # a rule whose value is missing is named in the error, not counted
    page.get_by_role("button", name="Add a rule to the filter").click()
    page.get_by_label("Rule 3 field").select_option("email")
    page.get_by_label("Rule 3 operator").select_option("contains")
    expect(page.get_by_role("alert")).to_contain_text("Rule 3: 'contains' needs some text")
    page.get_by_role("button", name="Remove Rule 3").click()
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "4")

    # when saved
    page.get_by_label("Name").fill("FR or US VIPs over 45")
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.get_by_role("button", name="Create segment").click()

    # then the list shows the segment with its size
    expect(page.get_by_role("link", name="FR or US VIPs over 45")).to_be_visible()
    segment = Segment.objects.get(name="FR or US VIPs over 45")
    assert segment.contact_count == 4
    assert segment.filters["op"] == "or"
    assert segment.filters["rules"][1]["rules"][0] == {
        "field": "attributes.age",
        "operator": "gt",
        "value": 45,
    }
    assert errors == []
