"""The analytics page in Chromium: every plotly chart draws (the map with our own world
topojson), under the Content-Security-Policy, with no console error and no request to any
host but the server."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.analytics.sample import campaign_with_activity
from tests.pages.test_csp_browser import PolicyWatch

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_analytics_page_draws_every_chart_offline(live_server, signed_in_page, account):
    # given a campaign with reads, clicks and conversions in three countries
    campaign = campaign_with_activity(account)
    page = signed_in_page
    watch = PolicyWatch(page.context)
    requested: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))

    # when the page is opened
    response = page.goto(
        f"{live_server.url}/dashboard/campaigns/{campaign.pk}/analytics/", timeout=60_000
    )
    page.wait_for_load_state("networkidle")

    # then every chart was drawn by plotly as an svg
    assert response is not None
    assert response.status == 200
    charts = page.locator("[data-chart]")
    ids = charts.evaluate_all("(nodes) => nodes.map((n) => n.dataset.chart)")
    assert len(ids) == 11, ids
    for chart_id in ids:
        chart = page.locator(f'[data-chart="{chart_id}"]')
        expect(chart).to_have_attribute("data-drawn", "true")
        assert chart.locator("svg.main-svg").count() >= 1, chart_id
    # the map has a shape for each country with an ISO code (France, the US, Japan)
    expect(page.locator('[data-chart="chart-countries"] path.choroplethlocation')).to_have_count(3)
    # the funnel shows the recipients' figures
    expect(page.locator('[data-chart="chart-funnel"]')).to_contain_text("Recipients")
    # plotly's style rules came from our stylesheet: its <style> was never added
    assert page.evaluate("() => document.querySelectorAll('head style').length") == 0
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.main-svg')).position")
        == "absolute"
    )

    # hovering a chart shows its mode bar and a hover label, still within the policy
    page.locator('[data-chart="chart-daily"] .nsewdrag').first.hover()
    expect(page.locator('[data-chart="chart-daily"] .modebar')).to_be_visible()
    page.locator('[data-chart="chart-heatmap-read"] .nsewdrag').first.hover()

    # and nothing went wrong, nor left this server
    problems = watch.take()
    assert problems == [], "\n".join(problems)
    server = urlsplit(live_server.url).netloc
    elsewhere = [url for url in requested if urlsplit(url).netloc != server]
    assert elsewhere == []
    assert any(url.endswith("/static/vendor/topojson/world_110m.json") for url in requested)
    assert any(url.endswith("/static/vendor/plotly/plotly.min.js") for url in requested)


def test_the_dashboard_works_under_the_policy(live_server, signed_in_page, account):
    campaign_with_activity(account)
    page = signed_in_page
    watch = PolicyWatch(page.context)

    page.goto(f"{live_server.url}/dashboard/analytics/")
    page.get_by_role("link", name="Revenue").click()
    page.wait_for_load_state("networkidle")

    expect(page.locator('th[aria-sort="descending"]')).to_have_text("Revenue")
    expect(page.locator('[data-table="campaigns"] tbody tr')).to_have_count(1)
    assert watch.take() == []
