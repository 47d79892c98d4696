"""The analytics validation test, on the surfaces: the figures the analytics page's tables
show and the ones ``GET /api/campaigns/{id}/analytics`` answers equal the plain reading of
the raw events (``tests/analytics/oracle.py``) for the simulated campaign, whole and
filtered."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.analytics.oracle import truth
from tests.analytics.test_pages import _table
from tests.analytics.test_validation import simulated  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _int(cell: str) -> int:
    return int(cell.replace(",", ""))


@pytest.mark.parametrize(
    "params",
    [{}, {"since": "2026-03-03"}, {"variant": "B"}, {"variant": "A", "until": "2026-03-03"}],
)
def test_the_page_s_tables_equal_the_events(logged_in_client, simulated, account, params):  # noqa: F811
    # given the plain reading of the events for the same filters
    t = truth(
        simulated,
        account_zone=account.timezone,
        since=dt.date.fromisoformat(params["since"]) if "since" in params else None,
        until=dt.date.fromisoformat(params["until"]) if "until" in params else None,
        variant=params.get("variant"),
    )

    # when the page is read
    html = logged_in_client.get(
        reverse("campaigns:analytics", args=[simulated.pk]), params
    ).content.decode()

    # then the funnel (after its first stage, the campaign's or variant's recipients) ...
    funnel = {row[0]: _int(row[1]) for row in _table(html, "funnel")}
    assert {k: v for k, v in funnel.items() if k != "Recipients"} == {
        "Sent": t.sent,
        "Delivered": t.delivered,
        "Read": t.read,
        "Clicked": t.clicked,
        "Converted": t.converted,
    }
    # ... the countries, the devices, the conversions and the money ...
    countries = {}
    if 'data-table="countries"' in html:
        countries = {row[0].split()[-1]: row for row in _table(html, "countries")}
    for code, counts in t.countries.items():
        sent, delivered, read = (_int(n) for n in countries[code][1:4])
        assert (sent, delivered, read) == (counts["sent"], counts["delivered"], counts["read"])
    if t.clicks:
        assert {r[0]: _int(r[1]) for r in _table(html, "device")} == dict(t.devices)
        assert {r[0]: _int(r[1]) for r in _table(html, "browser")} == dict(t.browsers)
    if t.events:
        assert {r[0]: (_int(r[1]), Decimal(r[3])) for r in _table(html, "conversions")} == {
            name: (n, value) for name, (n, value) in t.events.items()
        }
    assert f'data-money="revenue">{t.revenue:.2f}' in html
    # ... and the heatmaps, cell by cell
    for kind, grid in (("read", t.heat_read), ("clicked", t.heat_clicked)):
        cells = [[_int(n) for n in row[1:]] for row in _table(html, f"chart-heatmap-{kind}")]
        assert cells == grid, kind


def test_the_api_equals_the_events(api, simulated, account):  # noqa: F811
    # given
    t = truth(simulated, account_zone=account.timezone, since=dt.date(2026, 3, 3))

    # when
    body = api.get(f"/api/campaigns/{simulated.pk}/analytics", {"since": "2026-03-03"}).json()

    # then
    funnel = {s["stage"]: s["count"] for s in body["funnel"]}
    assert (funnel["sent"], funnel["delivered"], funnel["read"]) == (t.sent, t.delivered, t.read)
    assert (funnel["clicked"], funnel["converted"]) == (t.clicked, t.converted)
    assert Decimal(str(body["revenue"])) == t.revenue
    assert body["heatmap"]["read"] == t.heat_read
    assert body["heatmap"]["clicked"] == t.heat_clicked
    assert {r["event"]: r["count"] for r in body["conversions"]} == {
        name: n for name, (n, _) in t.events.items()
    }
    assert {
        dt.datetime.fromisoformat(h["at"]).astimezone(dt.UTC): h["read"]
        for h in body["timeseries"]["hourly"]
        if h["read"]
    } == {at: c["read"] for at, c in t.hourly.items() if c["read"]}
