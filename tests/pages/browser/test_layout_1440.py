"""At a 1440 px wide window every control of the campaign pages is on screen: checked with the
elements' bounding boxes, not by eye."""

import pytest

from campaigns.models import Campaign
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTH = 1440


def _outside(page, selector: str, container: str) -> list[str]:
    """The elements of ``selector`` whose box leaves the viewport or ``container``'s box."""
    return page.evaluate(
        """([selector, container, width]) => {
            const bad = [];
            for (const el of document.querySelectorAll(selector)) {
                const box = el.getBoundingClientRect();
                const wrap = el.closest(container).getBoundingClientRect();
                if (box.left < 0 || box.right > width || box.left < wrap.left - 0.5
                    || box.right > wrap.right + 0.5) {
                    bad.push(`${el.textContent.trim()} [${box.left}, ${box.right}]`);
                }
            }
            return bad;
        }""",
        [selector, container, WIDTH],
    )


def test_row_actions_of_the_campaigns_list_are_on_screen(live_server, signed_in_page, account):
    # given campaigns of every status, with long names, so that each set of buttons shows
    for status in Campaign.Status.values:
        CampaignFactory(
            account=account,
            name=f"A rather long campaign name for the {status} row of the list",
            description="A description long enough to be cut with an ellipsis in the list " * 3,
            status=status,
        )
    # the state with the most actions: paused before its start (send now, resume, back to
    # draft, duplicate, delete)
    CampaignFactory(
        account=account,
        name="A rather long campaign name for the row paused before its start",
        status=Campaign.Status.PAUSED,
        paused_from=Campaign.Status.SCHEDULED,
    )
    page = signed_in_page
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(f"{live_server.url}/dashboard/campaigns/")

    buttons = page.locator("table.campaigns-table td.actions .btn:visible")
    assert buttons.count() >= 2 * len(Campaign.Status.values)
    assert (
        _outside(page, "table.campaigns-table td.actions .btn:not(.more-menu .btn)", ".table-wrap")
        == []
    )
    # and every row's "More" menu opens with all its buttons on screen
    menus = page.locator("table.campaigns-table details.more-actions")
    assert menus.count() >= len(Campaign.Status.values)
    for i in range(menus.count()):
        menus.nth(i).locator("summary").click()
        assert _outside(page, "details[open] .more-menu .btn", ".table-wrap") == []
        # inside the scrolling table vertically too: the last rows' menus open upwards
        # (the menu script places it on the "toggle" event, which comes just after the click)
        page.wait_for_function(
            """() => {
                const menu = document.querySelector("details[open] .more-menu");
                const wrap = menu.closest(".table-wrap").getBoundingClientRect();
                const box = menu.getBoundingClientRect();
                return box.top >= wrap.top - 0.5 && box.bottom <= wrap.bottom + 0.5;
            }"""
        )
        menus.nth(i).locator("summary").click()
    # and the table needs no sideways scrolling to reach them
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
    page.screenshot(path="/tmp/campaigns-pages/list-1440.png", full_page=True)
