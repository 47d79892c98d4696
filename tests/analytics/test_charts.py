"""The analytics page's figures: what plotly is handed for the report's figures."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from analytics.charts import _hours, figures
from analytics.report import campaign_report
from tests.analytics.sample import campaign_with_activity

PARIS = ZoneInfo("Europe/Paris")


def _row(at, sent=0):
    return {"at": at, "sent": sent, "delivered": 0, "read": 0, "clicks": 0, "converted": 0}


def test_quiet_hours_between_active_ones_are_zeros_across_a_clock_change():
    # given two active hours around the night Paris skips 02:00 (29 March 2026)
    first = dt.datetime(2026, 3, 29, 1, 0, tzinfo=PARIS)
    last = dt.datetime(2026, 3, 29, 4, 0, tzinfo=PARIS)

    # when
    hours = _hours([_row(first, 5), _row(last, 2)])

    # then each real hour is there once: 01:00, 03:00 (the clock jumped), 04:00
    assert [h["at"].strftime("%H:%M") for h in hours] == ["01:00", "03:00", "04:00"]
    assert [h["sent"] for h in hours] == [5, 0, 2]


@pytest.mark.django_db
def test_every_figure_is_json_and_draws_nothing_the_csp_refuses(account):
    # given
    report = campaign_report(campaign=campaign_with_activity(account))

    # when
    charts = figures(report, topojson_url="/static/vendor/topojson/")

    # then every chart serialises, and none asks plotly for a colour bar (a style attribute)
    for name, figure in charts.items():
        json.dumps(figure, cls=DjangoJSONEncoder)
        for trace in figure["data"]:
            if trace["type"] in {"heatmap", "choropleth"}:
                assert trace["showscale"] is False, name
    assert charts["countries"]["config"] == {"topojsonURL": "/static/vendor/topojson/"}
    assert sorted(charts["countries"]["data"][0]["locations"]) == ["FRA", "JPN", "USA"]
