"""The Exports box, starting an export, its download and the printable report: members only,
another account's campaign or export is a 404, bad input a 422 that starts nothing."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from analytics.models import Export
from tests.analytics.exports.world import build_world

pytestmark = pytest.mark.django_db


def _start_url(campaign):
    return reverse("campaigns:analytics_export_start", args=[campaign.pk])


def _download_url(export):
    return reverse("campaigns:analytics_export_download", args=[export.campaign_id, export.pk])


def test_a_viewer_starts_an_export_and_downloads_the_file(
    world, client, make_member, account, inline_pipeline
):
    # given a viewer on the analytics page of variant A
    client.force_login(make_member(account, Role.VIEWER))
    page = f"/dashboard/campaigns/{world.campaign.pk}/analytics/?variant=A"

    # when they start the recipients export (the task runs inline)
    response = inline_pipeline(
        lambda: client.post(
            _start_url(world.campaign),
            {"kind": "recipients_csv", "variant": "A", "next": page},
        )
    )

    # then they are back on the page, and the export of A is done
    assert response.status_code == 302
    assert response["Location"] == page
    export = Export.objects.get()
    assert export.filters == {"since": None, "until": None, "variant": "A"}
    assert export.status == Export.Status.DONE

    # and the file downloads with its type and name, kept by no cache
    response = client.get(_download_url(export))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="spring-sale-recipients-{export.pk}.csv"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(body)))) == 3


def test_the_xlsx_downloads_as_a_spreadsheet(world, logged_in_client, inline_pipeline):
    inline_pipeline(
        lambda: logged_in_client.post(_start_url(world.campaign), {"kind": "report_xlsx"})
    )
    export = Export.objects.get()

    response = logged_in_client.get(_download_url(export))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert b"".join(response.streaming_content).startswith(b"PK")  # a zip, as XLSX is


def test_starting_needs_the_csrf_token(world, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(_start_url(world.campaign), {"kind": "events_csv"})

    assert response.status_code == 403
    assert not Export.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "pdf"}, "Must be one of recipients_csv, events_csv, report_xlsx"),
        ({"kind": "events_csv", "since": "March"}, "Enter a date written YYYY-MM-DD"),
        (
            {"kind": "events_csv", "since": "2026-03-03", "until": "2026-03-01"},
            "The period starts after it ends",
        ),
        ({"kind": "events_csv", "variant": "Z"}, "This campaign has no variant"),
    ],
)
def test_bad_input_is_a_422_that_starts_nothing(world, logged_in_client, data, message):
    response = logged_in_client.post(_start_url(world.campaign), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Export.objects.exists()


def test_another_accounts_campaign_and_export_are_404(world, other_account, make_member, client):
    # given a finished export of the account's campaign
    export = Export.objects.create(
        account=world.campaign.account,
        campaign=world.campaign,
        kind=Export.Kind.EVENTS_CSV,
        status=Export.Status.DONE,
        file="exports/x.csv",
    )
    # and a member of another account, with a campaign of their own
    client.force_login(make_member(other_account, Role.OWNER))
    theirs = build_world(other_account).campaign

    # then nothing of the first account answers them
    assert client.post(_start_url(world.campaign), {"kind": "events_csv"}).status_code == 404
    assert client.get(_download_url(export)).status_code == 404
    box = reverse("campaigns:analytics_exports", args=[world.campaign.pk])
    assert client.get(box).status_code == 404
    printable = reverse("campaigns:analytics_print", args=[world.campaign.pk])
    assert client.get(printable).status_code == 404
    # nor does the export under their own campaign's URL
    url = reverse("campaigns:analytics_export_download", args=[theirs.pk, export.pk])
    assert client.get(url).status_code == 404
    assert Export.objects.count() == 1


def test_signed_out_visitors_go_to_the_login_page(world, client):
    response = client.get(reverse("campaigns:analytics_print", args=[world.campaign.pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unfinished_export_has_no_download(world, logged_in_client):
    export = Export.objects.create(
        account=world.campaign.account, campaign=world.campaign, kind=Export.Kind.EVENTS_CSV
    )

    assert logged_in_client.get(_download_url(export)).status_code == 404


def test_the_box_polls_while_an_export_runs_and_links_the_done_ones(world, logged_in_client):
    # given one export half written and one done
    running = Export.objects.create(
        account=world.campaign.account,
        campaign=world.campaign,
        kind=Export.Kind.RECIPIENTS_CSV,
        status=Export.Status.RUNNING,
        rows_done=2_500,
        rows_total=10_000,
    )
    done = Export.objects.create(
        account=world.campaign.account,
        campaign=world.campaign,
        kind=Export.Kind.EVENTS_CSV,
        status=Export.Status.DONE,
        rows_done=25,
        rows_total=25,
        file="exports/done.csv",
        filters={"since": "2026-03-02", "until": None, "variant": ""},
    )
    url = reverse("campaigns:analytics_exports", args=[world.campaign.pk])

    html = logged_in_client.get(url, {"variant": "B"}).content.decode()

    assert 'hx-trigger="every 2s"' in html
    assert 'aria-valuenow="25"' in html
    assert "2,500 of 10,000 recipients" in html
    assert _download_url(done) in html
    assert _download_url(running) not in html
    assert "from 2026-03-02 (UTC), recipients without a variant" in html
    # the buttons export the page's filters
    assert '<input type="hidden" name="variant" value="B">' in html

    # and when the running one's worker has gone quiet, it says so and stops polling
    Export.objects.filter(pk=running.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=11)
    )
    html = logged_in_client.get(url).content.decode()
    assert "its worker quit. Start the export again." in html
    assert "hx-trigger" not in html


def test_the_include_draws_the_box_within_a_page(world, rf, user):
    from django.template import engines

    request = rf.get(f"/dashboard/campaigns/{world.campaign.pk}/analytics/")
    request.user = user
    request.account = world.campaign.account
    request.membership = user.memberships.get()
    template = engines["django"].from_string('{% include "analytics/_exports.html" %}')

    html = template.render({"campaign": world.campaign}, request)

    assert 'id="exports-box"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'value="/dashboard/campaigns/{world.campaign.pk}/analytics/"' in html
    assert "No export of this campaign yet." in html


def test_the_printable_report_shows_the_tables_and_its_filters(world, logged_in_client):
    url = reverse("campaigns:analytics_print", args=[world.campaign.pk])

    response = logged_in_client.get(url, {"since": "2026-03-02", "variant": "A"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Spring sale: report" in html
    assert "Acme" in html
    assert "From 2026-03-02 (UTC), variant A" in html
    assert 'data-table="funnel"' in html
    assert 'data-figure="revenue">42.50 EUR' in html
    assert "analytics/print.css" in html
    assert "=1+1 (A)" in html  # the variant's name as typed: HTML needs no formula guard


def test_the_printable_report_refuses_bad_filters(world, logged_in_client):
    url = reverse("campaigns:analytics_print", args=[world.campaign.pk])

    response = logged_in_client.get(url, {"until": "yesterday"})

    assert response.status_code == 422
    assert "until" in response.content.decode()


def test_a_start_from_the_box_answers_the_box_with_the_same_filters(world, logged_in_client):
    # when the box's form is posted by htmx with the page's filters
    response = logged_in_client.post(
        _start_url(world.campaign),
        {"kind": "events_csv", "variant": "B", "since": "2026-03-03", "next": "/somewhere/"},
        HTTP_HX_REQUEST="true",
    )

    # then the answer is the box, polling for the queued export, its buttons still on B
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="exports-box"' in html
    assert "<html" not in html
    assert 'hx-trigger="every 2s"' in html
    assert '<input type="hidden" name="variant" value="B">' in html
    assert '<input type="hidden" name="since" value="2026-03-03">' in html
    assert '<input type="hidden" name="next" value="/somewhere/">' in html
    assert Export.objects.get().filters["variant"] == "B"
