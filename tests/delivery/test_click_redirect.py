"""``/r/<token>``: a 302 to the destination with ctid, at once, for GET and HEAD, before any
session or sign-in work; anything else gets the friendly page, never an error."""

import datetime as dt
import string

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from delivery import redirect
from delivery.clicks import clicks_drain
from delivery.models import ClickHit, TrackedLink
from tests.delivery.click_helpers import UA, link, sent_campaign, token

pytestmark = pytest.mark.django_db
DELIVERED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Ids come back after a rolled-back test (SQLite): no destination may outlive its test.
    The hits go to the table here; the Redis path has its own test."""
    settings.REDIS_URL = ""
    redirect.cache_clear()
    yield
    redirect.cache_clear()


@pytest.fixture
def sale(account):
    campaign = sent_campaign(account, countries=("FR",), delivered_at=DELIVERED)
    recipient = campaign.recipients.get()
    tracked = link(campaign, "https://shop.example.com/sale?ref=news#top")
    return campaign, recipient, tracked


def test_a_click_is_redirected_with_ctid_and_left_for_the_drain(client, sale):
    campaign, recipient, tracked = sale
    t = token(tracked, recipient)

    response = client.get(f"/r/{t}", HTTP_USER_AGENT=UA["iphone"])

    assert response.status_code == 302
    assert response["Location"] == f"https://shop.example.com/sale?ref=news&ctid={t}#top"
    assert not response.cookies  # no session, no CSRF cookie
    hit = ClickHit.objects.get()
    assert (hit.link_id, hit.recipient_id, hit.method) == (tracked.pk, recipient.pk, "GET")
    assert hit.user_agent == UA["iphone"]


def test_head_is_answered_the_same_and_recorded_as_head(client, sale):
    _, recipient, tracked = sale
    response = client.head(f"/r/{token(tracked, recipient)}")
    assert response.status_code == 302
    assert ClickHit.objects.get().method == "HEAD"


def test_a_destination_without_a_query_gets_ctid_as_its_query(client, account):
    campaign = sent_campaign(account, countries=("FR",), delivered_at=DELIVERED)
    tracked = link(campaign, "https://shop.example.com/")
    t = token(tracked, campaign.recipients.get())
    assert client.get(f"/r/{t}")["Location"] == f"https://shop.example.com/?ctid={t}"


def test_the_redirect_reads_the_link_once_then_only_buffers(client, sale):
    _, recipient, tracked = sale
    url = f"/r/{token(tracked, recipient)}"
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url)

    def kinds(queries) -> list[str]:
        # What was read and written (PostgreSQL adds its SET LOCAL and savepoints around).
        words = (q["sql"].split()[0].upper() for q in queries.captured_queries)
        return [w for w in words if w in ("SELECT", "INSERT", "UPDATE", "DELETE")]

    assert kinds(first) == ["SELECT", "INSERT"]  # the link's destination, the hit
    assert kinds(second) == ["INSERT"]  # the hit only


def test_a_signed_in_marketer_clicking_skips_the_session_and_account_work(logged_in_client, sale):
    _, recipient, tracked = sale
    with CaptureQueriesContext(connection) as queries:
        response = logged_in_client.get(f"/r/{token(tracked, recipient)}")
    assert response.status_code == 302
    assert not any("session" in q["sql"] for q in queries.captured_queries)


def test_the_friendly_page_has_the_sites_security_headers(client):
    page = client.get("/r/nope")
    login = client.get("/accounts/login/")
    assert page["Content-Security-Policy"] == login["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"


def _gone(response, state: str) -> None:
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'data-state="{state}"' in page
    assert "Campaigns" in page  # our base template


def test_tampered_and_unknown_tokens_get_the_friendly_page(client, sale):
    campaign, recipient, tracked = sale
    good = token(tracked, recipient)
    tampered = good[:-1] + ("A" if good[-1] != "A" else "B")
    for bad in (tampered, "abc", "x" * 300, "%00", "..", "ünï"):
        _gone(client.get(f"/r/{bad}"), "unknown")
    tracked.delete()
    _gone(client.get(f"/r/{good}"), "unknown")
    assert not ClickHit.objects.exists()


def test_a_deleted_campaigns_links_and_expired_links_lead_nowhere(client, sale, settings):
    campaign, recipient, tracked = sale
    campaign.deleted_at = DELIVERED
    campaign.save(update_fields=["deleted_at"])
    _gone(client.get(f"/r/{token(tracked, recipient)}"), "unknown")

    campaign.deleted_at = None
    campaign.save(update_fields=["deleted_at"])
    redirect.cache_clear()
    settings.CLICK_LINK_TTL_DAYS = 30
    TrackedLink.objects.filter(pk=tracked.pk).update(
        created_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=31)
    )
    _gone(client.get(f"/r/{token(tracked, recipient)}"), "expired")
    assert not ClickHit.objects.exists()


def test_other_methods_are_refused_politely(client, sale):
    _, recipient, tracked = sale
    response = client.post(f"/r/{token(tracked, recipient)}")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=string.ascii_letters + string.digits + "-_.~%!*'()", max_size=80))
def test_any_garbage_token_gets_the_friendly_page(client, garbage):
    response = client.get(f"/r/{garbage}")
    assert response.status_code == 404
    assert b'id="link-gone"' in response.content


def test_hits_buffered_in_the_table_are_drained(client, sale):
    _, recipient, tracked = sale
    client.get(f"/r/{token(tracked, recipient)}", HTTP_USER_AGENT=UA["windows"])
    result = clicks_drain()
    assert (result.hits, result.clicks, result.unique) == (1, 1, 1)
    assert not ClickHit.objects.exists()
