"""The campaigns list: search, filters, sorting, pagination, counts and the deleted view."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CampaignFactory


def _names(response) -> list[str]:
    return [
        m.strip()
        for m in re.findall(
            r'<a class="strong" href="[^"]+">([^<]+)</a>', response.content.decode()
        )
    ]


@pytest.fixture
def mixed(account):
    CampaignFactory(account=account, name="Alpha welcome", type="broadcast", status="draft")
    CampaignFactory(
        account=account,
        name="Bravo drip",
        type="drip",
        status="running",
        total_sent=500,
        description="weekly coffee tips",
    )
    CampaignFactory(
        account=account, name="Charlie test", type="ab-test", status="paused", total_sent=50
    )
    CampaignFactory(
        account=account, name="Delta broadcast", type="broadcast", status="running", total_sent=900
    )
    gone = CampaignFactory(account=account, name="Echo deleted", status="completed")
    gone.deleted_at = timezone.now()
    gone.save(update_fields=["deleted_at"])


def test_search_matches_name_and_description(as_role, mixed):
    client = as_role("viewer")
    assert _names(client.get(reverse("campaigns:list"), {"q": "alpha"})) == ["Alpha welcome"]
    assert _names(client.get(reverse("campaigns:list"), {"q": "coffee"})) == ["Bravo drip"]


def test_filters_by_status_and_type(as_role, mixed):
    client = as_role("viewer")
    running = _names(client.get(reverse("campaigns:list"), {"status": "running", "sort": "name"}))
    assert running == ["Bravo drip", "Delta broadcast"]
    both = _names(client.get(reverse("campaigns:list"), {"status": "running", "type": "drip"}))
    assert both == ["Bravo drip"]
    broadcasts = _names(
        client.get(reverse("campaigns:list"), {"type": "broadcast", "sort": "name"})
    )
    assert broadcasts == ["Alpha welcome", "Delta broadcast"]


def test_sorts_by_name_and_by_sent(as_role, mixed):
    client = as_role("viewer")
    by_name = _names(client.get(reverse("campaigns:list"), {"sort": "-name"}))
    assert by_name == ["Delta broadcast", "Charlie test", "Bravo drip", "Alpha welcome"]
    by_sent = _names(client.get(reverse("campaigns:list"), {"sort": "-sent"}))
    assert by_sent[:3] == ["Delta broadcast", "Bravo drip", "Charlie test"]


def test_bad_filter_values_are_ignored_not_errors(as_role, mixed):
    client = as_role("viewer")
    response = client.get(
        reverse("campaigns:list"),
        {"status": "exploded", "type": "x", "sort": "drop table", "page": "z"},
    )
    assert response.status_code == 200
    assert len(_names(response)) == 4


def test_counts_per_status_and_deleted_view(as_role, mixed):
    client = as_role("viewer")
    response = client.get(reverse("campaigns:list"))
    counts = response.context["counts"]
    assert counts["running"] == 2
    assert counts["draft"] == 1
    assert counts["completed"] == 0
    assert counts["deleted"] == 1
    assert response.context["total_alive"] == 4
    assert "Echo deleted" not in _names(response)

    deleted = client.get(reverse("campaigns:list"), {"view": "deleted"})
    body = deleted.content.decode()
    assert "Deleted campaigns" in body
    assert "Echo deleted" in body
    assert "Alpha welcome" not in body


def test_paginates_25_per_page_and_keeps_the_query(as_role, account):
    for n in range(30):
        CampaignFactory(account=account, name=f"Promo {n:02d}", type="drip")
    CampaignFactory(account=account, name="Other type", type="broadcast")
    client = as_role("viewer")

    first = client.get(reverse("campaigns:list"), {"type": "drip", "sort": "name"})
    assert _names(first) == [f"Promo {n:02d}" for n in range(25)]
    body = first.content.decode()
    assert "Page 1 of 2" in body
    next_link = re.search(r'href="(\?[^"]*page=2[^"]*)" rel="next"', body).group(1)
    assert "type=drip" in next_link
    assert "sort=name" in next_link

    second = client.get(reverse("campaigns:list") + next_link.replace("&amp;", "&"))
    assert _names(second) == [f"Promo {n:02d}" for n in range(25, 30)]
    # A page past the end shows the last page rather than an error.
    last = client.get(reverse("campaigns:list"), {"type": "drip", "sort": "name", "page": 99})
    assert _names(last) == _names(second)


def test_sort_header_links_keep_filters_and_reset_the_page(as_role, mixed):
    body = (
        as_role("viewer")
        .get(reverse("campaigns:list"), {"status": "running", "page": "1", "sort": "name"})
        .content.decode()
    )
    header = re.search(r'aria-sort="ascending"><a href="([^"]+)"', body).group(1)
    assert "sort=-name" in header
    assert "status=running" in header
    assert "page=" not in header
