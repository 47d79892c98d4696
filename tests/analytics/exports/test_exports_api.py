"""The exports over the API: start (202), follow the progress, fetch the file; 404 for another
account's campaign, export or file; 422 with the field for bad filters."""

import csv
import io

import pytest

from analytics.models import Export
from tests.analytics.exports.world import build_world

pytestmark = pytest.mark.django_db


def test_start_follow_and_download(world, api, inline_pipeline):
    # when an API client starts the events export of day 2
    response = inline_pipeline(
        lambda: api.post(
            f"/api/campaigns/{world.campaign.pk}/exports",
            {"kind": "events-csv", "since": "2026-03-03", "until": "2026-03-03"},
            content_type="application/json",
        )
    )

    # then it is accepted, and (run inline) it is done
    assert response.status_code == 202, response.content
    export_id = response.json()["id"]
    status = api.get(f"/api/exports/{export_id}").json()
    assert status["status"] == "done"
    assert status["kind"] == "events-csv"
    assert (status["rowsDone"], status["rowsTotal"], status["progress"]) == (4, 4, 100)
    assert status["filters"] == {"since": "2026-03-03", "until": "2026-03-03", "variant": None}
    assert status["downloadUrl"] == f"/api/exports/{export_id}/file"

    # and the file holds day 2's four events
    response = api.get(status["downloadUrl"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert len(rows) == 4


def test_an_unfinished_export_has_no_download_url_and_no_file(world, api):
    export = Export.objects.create(
        account=world.campaign.account, campaign=world.campaign, kind=Export.Kind.REPORT_XLSX
    )

    status = api.get(f"/api/exports/{export.pk}").json()

    assert (status["status"], status["downloadUrl"], status["progress"]) == ("queued", None, 0)
    response = api.get(f"/api/exports/{export.pk}/file")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_bad_filters_are_422_with_the_field(world, api):
    response = api.post(
        f"/api/campaigns/{world.campaign.pk}/exports",
        {"kind": "recipients-csv", "variant": "Z"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "variant", "message": "This campaign has no variant “Z”."}
    ]
    assert not Export.objects.exists()


def test_another_accounts_campaign_and_export_are_404(world, other_account, other_api_key, client):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {other_api_key}"
    export = Export.objects.create(
        account=world.campaign.account,
        campaign=world.campaign,
        kind=Export.Kind.EVENTS_CSV,
        status=Export.Status.DONE,
        file="exports/x.csv",
    )
    build_world(other_account)

    started = client.post(
        f"/api/campaigns/{world.campaign.pk}/exports",
        {"kind": "events-csv"},
        content_type="application/json",
    )

    assert started.status_code == 404
    assert client.get(f"/api/exports/{export.pk}").status_code == 404
    assert client.get(f"/api/exports/{export.pk}/file").status_code == 404
    assert Export.objects.count() == 1
