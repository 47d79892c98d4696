"""Segment pages: the list with sizes, the builder (create / edit), its live count endpoint."""

import json

import pytest
from django.urls import reverse

from audience.models import AttributeDefinition, Segment
from tests.factories import (
    AttributeDefinitionFactory,
    CampaignFactory,
    ContactFactory,
    SegmentFactory,
)

FRENCH = {"op": "and", "rules": [{"field": "country", "operator": "eq", "value": "FR"}]}


@pytest.mark.django_db
def test_list_shows_the_accounts_segments_with_their_size(logged_in_client, account, other_account):
    # given
    SegmentFactory(account=account, name="France", contact_count=1234)
    SegmentFactory(account=other_account, name="Rival segment")
    # when
    response = logged_in_client.get(reverse("audience:segments"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "France" in html
    assert "1,234" in html
    assert "Rival segment" not in html
    assert response.context["nav"] == "audience"


@pytest.mark.django_db
def test_builder_page_offers_the_accounts_attributes(logged_in_client, account, other_account):
    # given
    AttributeDefinitionFactory(
        account=account, key="plan", label="Plan", type=AttributeDefinition.Type.TEXT
    )
    AttributeDefinitionFactory(account=other_account, key="secret", label="Secret")
    SegmentFactory(account=other_account, name="Rival segment")
    # when
    response = logged_in_client.get(reverse("audience:segment_create"))
    # then
    assert response.status_code == 200
    config = response.context["config"]
    names = [f["name"] for f in config["fields"]]
    assert "attributes.plan" in names
    assert "attributes.secret" not in names
    assert "Rival segment" not in [s["name"] for s in config["segments"]]
    assert 'id="builder-config"' in response.content.decode()
    assert "audience/builder.js" in response.content.decode()


@pytest.mark.django_db
def test_create_from_the_page(logged_in_client, account):
    # given
    ContactFactory(account=account, country="FR")
    # when
    response = logged_in_client.post(
        reverse("audience:segment_create"),
        {"name": "France", "description": "", "filters": json.dumps(FRENCH)},
    )
    # then
    assert response.status_code == 302
    segment = Segment.objects.get(account=account, name="France")
    assert segment.filters == FRENCH
    assert segment.contact_count == 1


@pytest.mark.django_db
def test_a_bad_rule_is_shown_inline_and_nothing_is_saved(logged_in_client, account):
    # given
    bad = {"op": "and", "rules": [FRENCH["rules"][0], {"field": "email", "operator": "gt"}]}
    # when
    response = logged_in_client.post(
        reverse("audience:segment_create"), {"name": "Bad", "filters": json.dumps(bad)}
    )
    # then
    assert response.status_code == 422
    assert "Rule 2: operator &#x27;gt&#x27; does not apply to text field &#x27;email&#x27;." in (
        response.content.decode()
    )
    assert 'data-path="filters.rules.1"' in response.content.decode()
    assert not Segment.objects.exists()


@pytest.mark.django_db
def test_invalid_json_and_duplicate_names_are_form_errors(logged_in_client, account):
    # given
    SegmentFactory(account=account, name="Taken")
    # when
    broken = logged_in_client.post(
        reverse("audience:segment_create"), {"name": "X", "filters": "{not json"}
    )
    taken = logged_in_client.post(
        reverse("audience:segment_create"), {"name": "Taken", "filters": json.dumps(FRENCH)}
    )
    # then
    assert broken.status_code == 422
    assert broken.context["form"].errors["filters"] == ["The filter is not valid JSON."]
    assert taken.status_code == 422
    assert taken.context["form"].errors["name"] == ["A segment named “Taken” already exists."]
    assert Segment.objects.count() == 1


@pytest.mark.django_db
def test_edit_saves_and_another_accounts_segment_is_404(logged_in_client, account, other_account):
    # given
    mine = SegmentFactory(account=account, name="Mine", filters={})
    theirs = SegmentFactory(account=other_account, name="Theirs")
    # when
    page = logged_in_client.get(reverse("audience:segment_edit", args=[mine.pk]))
    saved = logged_in_client.post(
        reverse("audience:segment_edit", args=[mine.pk]),
        {"name": "Mine too", "filters": json.dumps(FRENCH)},
    )
    foreign = logged_in_client.get(reverse("audience:segment_edit", args=[theirs.pk]))
    foreign_post = logged_in_client.post(
        reverse("audience:segment_edit", args=[theirs.pk]), {"name": "Stolen"}
    )
    # then
    assert page.status_code == 200
    assert saved.status_code == 302
    mine.refresh_from_db()
    assert (mine.name, mine.filters) == ("Mine too", FRENCH)
    assert (foreign.status_code, foreign_post.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


@pytest.mark.django_db
def test_count_endpoint_answers_count_and_sample(logged_in_client, account, other_account):
    # given
    ContactFactory(account=account, country="FR", first_name="Amélie", last_name="Poulain")
    ContactFactory(account=account, country="US")
    ContactFactory(account=other_account, country="FR", first_name="Rival")
    # when
    response = logged_in_client.post(
        reverse("audience:segment_count"), {"filters": json.dumps(FRENCH)}, HTTP_HX_REQUEST="true"
    )
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-count="1"' in html
    assert "Amélie Poulain" in html
    assert "Rival" not in html


@pytest.mark.django_db
def test_count_endpoint_names_the_bad_rule(logged_in_client, account):
    # given
    tree = {"op": "or", "rules": [{"op": "and", "rules": [{"field": "tags", "operator": "eq"}]}]}
    # when
    response = logged_in_client.post(
        reverse("audience:segment_count"), {"filters": json.dumps(tree)}
    )
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rule 1.1: operator &#x27;eq&#x27; does not apply to tags &#x27;tags&#x27;." in html
    assert "data-count" not in html


@pytest.mark.django_db
def test_count_endpoint_reports_a_cycle_for_the_segment_being_edited(logged_in_client, account):
    # given
    segment = SegmentFactory(account=account, name="Self")
    tree = {"rules": [{"field": "segment", "operator": "in_segment", "value": segment.pk}]}
    # when
    response = logged_in_client.post(
        reverse("audience:segment_count"),
        {"filters": json.dumps(tree), "segment_id": segment.pk},
    )
    # then
    assert "refers back to itself (a cycle)" in response.content.decode()


@pytest.mark.django_db
def test_count_endpoint_refuses_another_accounts_segment(logged_in_client, other_account):
    # given
    theirs = SegmentFactory(account=other_account)
    # when
    response = logged_in_client.post(
        reverse("audience:segment_count"), {"filters": "{}", "segment_id": theirs.pk}
    )
    # then
    assert response.status_code == 404


@pytest.mark.django_db
def test_delete_from_the_page_and_conflicts_are_explained(logged_in_client, account):
    # given
    free = SegmentFactory(account=account, name="Free")
    used = SegmentFactory(account=account, name="Used")
    CampaignFactory(account=account, name="Spring sale").segments.add(used)
    # when
    logged_in_client.post(reverse("audience:segment_delete", args=[free.pk]))
    refused = logged_in_client.post(reverse("audience:segment_delete", args=[used.pk]), follow=True)
    # then
    assert not Segment.objects.filter(pk=free.pk).exists()
    assert Segment.objects.filter(pk=used.pk).exists()
    assert "Spring sale" in refused.content.decode()


@pytest.mark.django_db
def test_a_viewer_reads_but_cannot_change(client, viewer, account):
    # given
    client.force_login(viewer)
    segment = SegmentFactory(account=account, name="Read me")
    # when
    listing = client.get(reverse("audience:segments"))
    editor = client.get(reverse("audience:segment_edit", args=[segment.pk]))
    count = client.post(reverse("audience:segment_count"), {"filters": "{}"})
    create = client.post(reverse("audience:segment_create"), {"name": "New", "filters": "{}"})
    save = client.post(
        reverse("audience:segment_edit", args=[segment.pk]), {"name": "Changed", "filters": "{}"}
    )
    delete = client.post(reverse("audience:segment_delete", args=[segment.pk]))
    # then
    assert (listing.status_code, editor.status_code, count.status_code) == (200, 200, 200)
    assert "New segment" not in listing.content.decode()
    assert "Save segment" not in editor.content.decode()
    assert (create.status_code, save.status_code, delete.status_code) == (403, 403, 403)
    segment.refresh_from_db()
    assert segment.name == "Read me"
    assert Segment.objects.count() == 1


@pytest.mark.django_db
def test_pages_need_a_signed_in_member(client, account):
    segment = SegmentFactory(account=account)
    for url in (
        reverse("audience:segments"),
        reverse("audience:segment_create"),
        reverse("audience:segment_edit", args=[segment.pk]),
    ):
        assert client.get(url).status_code == 302
    assert client.post(reverse("audience:segment_count"), {"filters": "{}"}).status_code == 302
