"""The campaign analytics page and the account's dashboard: access, filters, and tables that
hold the report's figures."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from analytics.dashboard import campaigns_compare
from analytics.forms import ReportFilterForm
from analytics.report import Filters, campaign_report
from analytics.views import report_context
from tests.analytics.sample import campaign_with_activity
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(account):
    return campaign_with_activity(account)


def _page(client, campaign, **params):
    return client.get(reverse("campaigns:analytics", args=[campaign.pk]), params)


def _table(html: str, name: str) -> list[list[str]]:
    """The cells of the table ``data-table=name``, row by row, tags stripped."""
    match = re.search(rf'data-table="{name}">(.*?)</table>', html, re.S)
    assert match, f"no table {name}"
    body = match.group(1).split("<tbody>", 1)[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_the_page_shows_every_figure_of_the_report_in_its_tables(logged_in_client, campaign):
    # given
    report = campaign_report(campaign=campaign)

    # when
    response = _page(logged_in_client, campaign)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    funnel = _table(html, "funnel")
    assert [(row[0], row[1]) for row in funnel] == [
        (s["stage"].capitalize(), str(s["count"])) for s in report["funnel"]
    ]
    countries = {row[0].split()[-1]: row for row in _table(html, "countries")}
    assert countries["FR"][1:] == ["1", "1", "1", "0", "1", "1", "40.00"]
    assert countries["US"][-1] == "25.50"
    assert _table(html, "device") == [["mobile", "2"], ["desktop", "1"]]
    assert _table(html, "browser") == [["Mobile Safari", "2"], ["Chrome", "1"]]
    assert [row[:4] for row in _table(html, "conversions")] == [
        ["purchase", "2", "2", "65.50"],
        ["signup", "1", "0", "0.00"],
    ]
    variants = {row[0]: row for row in _table(html, "variants")}
    assert variants["A · Short"][1:4] == ["2", "2", "2"]
    assert variants["B · Long"][-2:] == ["100.0%", "100.0%"]
    daily = _table(html, "daily")
    assert [row[1] for row in daily] == ["2", "1"]  # sent on each day (Paris time)
    reads = _table(html, "chart-heatmap-read")
    assert sum(int(n) for row in reads for n in row[1:]) == 3
    # the money tiles, and the one chart each section draws, with its data beside it
    assert 'data-money="revenue">65.50' in html
    assert 'data-money="cost">0.16 EUR' in html  # 0.15760: three marketing messages
    for chart in ("funnel", "hourly", "daily", "countries", "device", "conversions", "variants"):
        assert f'data-chart="chart-{chart}"' in html
        assert f'<script id="chart-{chart}" type="application/json">' in html
    assert "No tracked links yet" in html
    assert "vendor/plotly/plotly.min.js" in html


def test_the_filters_narrow_the_page_to_utc_days_and_a_variant(logged_in_client, campaign):
    # when
    day2 = _page(logged_in_client, campaign, since="2026-03-03", until="2026-03-03")
    b = _page(logged_in_client, campaign, variant="B")

    # then
    html = day2.content.decode()
    assert [row[0].split()[-1] for row in _table(html, "countries")] == ["JP"]
    assert 'data-money="revenue">0.00' in html
    assert "UTC days" in html
    html = b.content.decode()
    assert {row[0]: row[1] for row in _table(html, "funnel")}["Recipients"] == "1"
    assert 'data-money="revenue">25.50' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2026-03-05", "until": "2026-03-01"}, "The period starts after it ends"),
        ({"since": "not a day"}, "Enter a date written YYYY-MM-DD"),
        ({"variant": "Z"}, "This campaign has no variant “Z”"),
    ],
)
def test_bad_filters_say_why_and_show_the_whole_campaign(
    logged_in_client, campaign, params, message
):
    # when
    response = _page(logged_in_client, campaign, **params)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-filter-errors" in html
    assert message in html
    assert 'data-money="revenue">65.50' in html


def test_an_empty_campaign_renders_with_its_empty_states(logged_in_client, account):
    # given a campaign that never sent anything
    quiet = CampaignFactory(account=account, status="completed")

    # when
    response = _page(logged_in_client, quiet)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    for part in ("timeseries", "countries", "device", "links", "conversions", "variants"):
        assert f'data-empty="{part}"' in html


def test_links_cost_and_roi_show_when_tracking_and_prices_give_them(rf, user, campaign):
    # given the report as click tracking (snake_case link rows) and prices fill it
    report = campaign_report(campaign=campaign, filters=Filters())
    report["links"] = [
        {
            "link_id": 1,
            "url": "https://shop.example/sale",
            "label": "",
            "clicks": 3,
            "unique_clicks": 2,
            "ctr": 66.67,
        }
    ]
    report["cost"] = Decimal("0.42")
    report["roi"] = 154.9524
    form = ReportFilterForm(campaign=campaign)

    # when the page's template shows it
    request = rf.get("/")
    request.user = user
    request.membership = user.memberships.get()  # what the account middleware sets
    request.account = request.membership.account
    html = render_to_string(
        "analytics/campaign.html",
        {"campaign": campaign, "form": form, **report_context(report)},
        request=request,
    )

    # then the link has its row and its chart, and the money its tiles
    assert _table(html, "links") == [
        ["https://shop.example/sale", "3", "2", "66.7%"],
    ]
    assert 'data-chart="chart-links"' in html
    assert '<script id="chart-links" type="application/json">' in html
    assert "No tracked links yet" not in html
    assert 'data-money="cost">0.42 EUR' in html
    assert 'data-money="roi">15495.2%' in html


def test_another_account_s_campaign_is_a_404(logged_in_client, other_account):
    theirs = campaign_with_activity(other_account, name="Rival plan")

    response = _page(logged_in_client, theirs)

    assert response.status_code == 404
    assert b"Rival plan" not in response.content


def test_a_signed_out_visitor_is_sent_to_sign_in(client, campaign):
    response = _page(client, campaign)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_details_page_and_the_nav_link_to_analytics(logged_in_client, campaign):
    response = logged_in_client.get(reverse("campaigns:detail", args=[campaign.pk]))

    html = response.content.decode()
    assert reverse("campaigns:analytics", args=[campaign.pk]) in html
    assert reverse("analytics:dashboard") in html


# --- the account's dashboard -----------------------------------------------------------------


@pytest.fixture
def three(account, other_account):
    spring = campaign_with_activity(account, name="Spring sale")
    summer = campaign_with_activity(account, name="Summer sale")
    CampaignFactory(account=account, name="Never sent", status="completed")
    campaign_with_activity(other_account, name="Rival plan")
    return spring, summer


def _names(response) -> list[str]:
    return [row[0] for row in _table(response.content.decode(), "campaigns")]


def test_the_dashboard_lists_the_account_s_campaigns_with_their_figures(logged_in_client, three):
    # when
    response = logged_in_client.get(reverse("analytics:dashboard"))

    # then
    assert response.status_code == 200
    rows = _table(response.content.decode(), "campaigns")
    assert sorted(row[0] for row in rows) == ["Spring sale", "Summer sale"]
    assert rows[0][1:8] == ["3", "3", "3", "66.7%", "2", "66.7%", "65.50 EUR"]
    # cost at the default prices (0.15760 EUR), ROI (65.50 - 0.15760) / 0.15760
    assert rows[0][8:] == ["0.16 EUR", "41460.9%"]


def test_the_dashboard_sorts_by_each_column_and_keeps_the_period(logged_in_client, three):
    # given one campaign with more revenue than the other
    spring, summer = three
    from core.events import EventType, NewEvent, events_record
    from delivery.models import Recipient

    r = Recipient.objects.filter(campaign=summer).first()
    events_record(
        [
            NewEvent(
                account_id=r.account_id,
                campaign_id=summer.pk,
                recipient_id=r.pk,
                contact_id=r.contact_id,
                type=EventType.CONVERTED,
                occurred_at=spring.created_at.replace(year=2026, month=3, day=2),
                revenue=Decimal("100"),
                data={"event": "purchase"},
            )
        ]
    )
    url = reverse("analytics:dashboard")

    # when / then
    assert _names(logged_in_client.get(url, {"sort": "-revenue"})) == ["Summer sale", "Spring sale"]
    assert _names(logged_in_client.get(url, {"sort": "revenue"})) == ["Spring sale", "Summer sale"]
    assert _names(logged_in_client.get(url, {"sort": "-name"})) == ["Summer sale", "Spring sale"]
    page = logged_in_client.get(url, {"sort": "-revenue", "since": "2026-03-01"}).content.decode()
    assert 'aria-sort="descending"><a href="?since=2026-03-01&amp;sort=revenue"' in page
    # an unknown sort falls back to the default, never an error
    assert logged_in_client.get(url, {"sort": "drop table"}).status_code == 200


def test_the_dashboard_period_keeps_only_campaigns_active_in_it(logged_in_client, three):
    url = reverse("analytics:dashboard")

    later = logged_in_client.get(url, {"since": "2026-04-01"})
    backwards = logged_in_client.get(url, {"since": "2026-04-01", "until": "2026-03-01"})

    assert 'data-empty="campaigns"' in later.content.decode()
    assert "The period starts after it ends" in backwards.content.decode()
    assert sorted(_names(backwards)) == ["Spring sale", "Summer sale"]


def test_the_dashboard_reads_a_fixed_number_of_queries(account, three, django_assert_num_queries):
    # the totals, the sends by country with their pricing keys, the price table
    with django_assert_num_queries(3):
        rows = campaigns_compare(account=account, sort="-ctr")

    assert [r.ctr for r in rows] == [66.67, 66.67]
