"""Reading a WhatsApp sender's tier and quality rating from the Cloud API.

A stand-in on 127.0.0.1 answers ``GET /{Version}/{Phone-Number-ID}``; what we send is checked
against the operation in Meta's OpenAPI description, and what the stand-in answers against
the operation's response schema, so the parsing is tested against Meta's own description.
"""

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from messaging import tasks
from messaging.limits import messaging_limit
from messaging.models import Sender
from messaging.services.limits import (
    sender_limits_read,
    sender_limits_refresh_if_stale,
)
from tests.core.servers import BannerServer, RecordingServer, json_answer, redirect
from tests.factories import SenderFactory
from tests.messaging.meta_operations import request_errors, response_errors
from tests.messaging.provider_server import whatsapp_error

pytestmark = pytest.mark.django_db

OPERATION = "getPhoneNumberById"
SECRET_TEXT = "internal-service-SECRET-7f3a"


@pytest.fixture
def sender(account, provider):
    return SenderFactory(
        account=account,
        channel=Sender.Channel.WHATSAPP,
        phone_number_id="106540352242922",
        api_base_url=f"{provider.url}/v23.0",
        access_token="EAAG-token",
    )


def _read(sender) -> Sender:
    sender_limits_read(sender)
    return Sender.objects.get(pk=sender.pk)


def _assert_request_as_meta_describes(provider):
    [request] = provider.requests
    assert request.method == "GET"
    problems = request_errors(
        OPERATION, method=request.method, path=request.path, headers=request.headers
    )
    assert not problems, problems
    return request


def test_reads_the_tier_and_quality_as_meta_describes(sender, provider):
    # given
    provider.phone_number.update(messaging_limit_tier="TIER_10K", quality_rating="YELLOW")
    # when
    stored = _read(sender)
    # then
    request = _assert_request_as_meta_describes(provider)
    assert request.path == ("/v23.0/106540352242922?fields=messaging_limit_tier%2Cquality_rating")
    assert request.headers["Authorization"] == "Bearer EAAG-token"
    assert (stored.limit_tier_read, stored.quality_rating, stored.limits_error) == (
        "TIER_10K",
        "YELLOW",
        "",
    )
    assert timezone.now() - stored.limits_checked_at < timedelta(seconds=10)
    assert messaging_limit(stored).users == 10_000
    assert messaging_limit(stored).source == "whatsapp"
    # the in-memory sender says the same
    assert sender.limit_tier_read == "TIER_10K"


@pytest.mark.parametrize("tier", ["TIER_50", "TIER_250", "TIER_1K", "TIER_100K", "TIER_UNLIMITED"])
@pytest.mark.parametrize("rating", ["GREEN", "YELLOW", "RED", "NA"])
def test_every_tier_and_rating_of_the_description_is_understood(sender, provider, tier, rating):
    provider.phone_number.update(messaging_limit_tier=tier, quality_rating=rating)
    answer = {"id": sender.phone_number_id, **provider.phone_number}
    assert response_errors(OPERATION, 200, answer) == []
    stored = _read(sender)
    assert (stored.limit_tier_read, stored.quality_rating) == (tier, rating)


def test_the_stand_in_answers_only_what_the_description_allows():
    # the check the stand-in's answers pass is not an empty one
    assert response_errors(OPERATION, 200, {"id": "1", "messaging_limit_tier": "TIER_3"})
    assert response_errors(OPERATION, 200, {"id": "1", "quality_rating": "BLUE"})
    assert response_errors(OPERATION, 401, {"error": {"message": "x"}})


def test_a_base_url_without_a_version_is_used_as_it_is(sender, provider):
    sender.api_base_url = provider.url
    _read(sender)
    [request] = provider.requests
    assert request.path.startswith("/106540352242922?fields=")


@pytest.mark.parametrize(
    ("status", "code", "message", "expected"),
    [
        (401, 190, "Error validating access token: Session has expired", "Session has expired"),
        (400, 100, "Unsupported get request. Object with ID '1' does not exist", "does not exist"),
        (500, 1, "An unknown error occurred", "An unknown error occurred"),
    ],
)
def test_a_graph_error_keeps_the_last_tier_and_says_why(
    sender, provider, status, code, message, expected
):
    # given a tier read before
    Sender.objects.filter(pk=sender.pk).update(limit_tier_read="TIER_1K", quality_rating="GREEN")
    sender.refresh_from_db()
    body = whatsapp_error(code, message)
    assert response_errors(OPERATION, status, body) == []
    provider.queue_response(status, body)
    # when
    stored = _read(sender)
    # then
    _assert_request_as_meta_describes(provider)
    assert (stored.limit_tier_read, stored.quality_rating) == ("TIER_1K", "GREEN")
    assert expected in stored.limits_error
    assert f"HTTP {status}" in stored.limits_error
    assert stored.limits_checked_at is not None
    assert messaging_limit(stored).tier == "TIER_1K"


def test_an_answer_without_the_tier_is_an_error(sender, provider):
    del provider.phone_number["messaging_limit_tier"]
    stored = _read(sender)
    assert stored.limit_tier_read == ""
    assert "no messaging_limit_tier" in stored.limits_error
    assert "whatsapp_business_management" in stored.limits_error


@pytest.mark.parametrize("tier", ["TIER_XL", "", 1000, None, "TIER_" + "9" * 40])
def test_an_unknown_tier_is_an_error_and_not_stored(sender, provider, tier):
    Sender.objects.filter(pk=sender.pk).update(limit_tier_read="TIER_250")
    sender.refresh_from_db()
    provider.phone_number["messaging_limit_tier"] = tier
    stored = _read(sender)
    assert stored.limit_tier_read == "TIER_250"
    assert stored.limits_error
    assert stored.quality_rating == ""  # nothing of a failed read is kept


def test_a_tier_meta_adds_later_is_understood(sender, provider):
    # TIER_2K is in Meta's guides, not (yet) in the description: off-spec, still read
    provider.phone_number["messaging_limit_tier"] = "TIER_2K"
    assert _read(sender).limit_tier_read == "TIER_2K"
    assert messaging_limit(sender).users == 2000


def test_a_strange_quality_rating_is_not_stored(sender, provider):
    provider.phone_number["quality_rating"] = "<b>green</b>"
    stored = _read(sender)
    assert (stored.limit_tier_read, stored.quality_rating) == ("TIER_1K", "")


def _path(sender) -> str:
    return f"/{sender.phone_number_id}?fields=messaging_limit_tier%2Cquality_rating"


def test_a_connection_failure_keeps_the_tier_and_says_so(account):
    with RecordingServer() as server:
        url = server.url()
    sender = SenderFactory(
        account=account,
        channel="whatsapp",
        api_base_url=url,
        access_token="t",
        limit_tier_read="TIER_10K",
    )
    stored = _read(sender)
    assert stored.limit_tier_read == "TIER_10K"
    assert "connection to the provider at 127.0.0.1 failed" in stored.limits_error


def test_the_url_guard_refuses_and_nothing_is_sent(account, provider, outbound_production):
    sender = SenderFactory(
        account=account, channel="whatsapp", api_base_url="https://10.0.0.8/v21.0", access_token="t"
    )
    stored = _read(sender)
    assert stored.limits_error.startswith("The API base URL is refused:")
    assert "private address" in stored.limits_error
    assert provider.requests == []


def test_a_redirect_is_not_followed(account):
    sender = SenderFactory(account=account, channel="whatsapp", access_token="t")
    with RecordingServer({_path(sender): redirect("http://127.0.0.1:9/steal")}) as server:
        sender.api_base_url = server.url()
        sender.save()
        stored = _read(sender)
        assert len(server.seen) == 1
    assert "redirect" in stored.limits_error
    assert stored.limit_tier_read == ""


def test_an_unknown_hosts_text_is_never_shown(account):
    # ``localhost`` is the stand-in under a name nobody vouched for (tests/conftest.py)
    body = {"error": {"message": SECRET_TEXT, "type": "X", "code": 100}}
    sender = SenderFactory(account=account, channel="whatsapp", access_token="t")
    with RecordingServer({_path(sender): json_answer(400, body)}) as server:
        sender.api_base_url = server.url("localhost")
        sender.save()
        stored = _read(sender)
        assert len(server.seen) == 1
    assert SECRET_TEXT not in stored.limits_error
    assert "localhost answered with error 100" in stored.limits_error


def test_an_unknown_hosts_banner_is_never_shown(account):
    with BannerServer(banner=SECRET_TEXT.encode() + b"\r\n") as server:
        url = f"http://localhost:{server.port}"
        sender = SenderFactory(
            account=account, channel="whatsapp", api_base_url=url, access_token="t"
        )
        stored = _read(sender)
    assert SECRET_TEXT not in stored.limits_error
    assert stored.limits_error


def test_no_token_no_request(account, provider):
    sender = SenderFactory(
        account=account, channel="whatsapp", api_base_url=provider.url, access_token=""
    )
    assert _read(sender).limits_error == "The sender has no access token."
    assert provider.requests == []


@pytest.mark.parametrize("channel", ["sandbox", "sms", "email"])
def test_other_channels_are_left_alone(account, provider, channel):
    sender = SenderFactory(account=account, channel=channel, api_base_url=provider.url)
    stored = _read(sender)
    assert stored.limits_checked_at is None
    assert provider.requests == []


def test_a_read_never_overwrites_an_edit_made_meanwhile(sender, provider):
    # given the operator saved a tier and a name after this copy was loaded
    Sender.objects.filter(pk=sender.pk).update(messaging_limit="TIER_250", name="Renamed")
    # when
    stored = _read(sender)
    # then
    assert (stored.messaging_limit, stored.name) == ("TIER_250", "Renamed")
    assert stored.limit_tier_read == "TIER_1K"


def test_a_read_about_a_number_changed_meanwhile_is_dropped(sender, provider):
    Sender.objects.filter(pk=sender.pk).update(phone_number_id="999")
    stored = _read(sender)
    assert stored.limit_tier_read == ""
    assert stored.limits_checked_at is None


def test_the_fallback_applies_until_a_tier_is_read(sender, provider, settings):
    settings.WHATSAPP_MESSAGING_LIMIT_FALLBACK = "TIER_250"
    provider.queue_response(401, whatsapp_error(190))
    stored = _read(sender)
    assert messaging_limit(stored).source == "fallback"
    assert messaging_limit(stored).users == 250
    assert stored.limits_error


def test_refresh_if_stale_reads_only_old_checks(sender, provider):
    # never read: reads
    assert sender_limits_refresh_if_stale(sender) is True
    assert len(provider.requests) == 1
    # fresh: no request
    assert sender_limits_refresh_if_stale(sender) is False
    assert len(provider.requests) == 1
    # older than the limit: reads again
    sender.limits_checked_at = timezone.now() - timedelta(seconds=3601)
    assert sender_limits_refresh_if_stale(sender) is True
    assert sender_limits_refresh_if_stale(sender, max_age_seconds=0) is True
    assert len(provider.requests) == 3


def test_refresh_if_stale_ignores_other_channels(account, provider):
    sender = SenderFactory(account=account, channel="sandbox", api_base_url=provider.url)
    assert sender_limits_refresh_if_stale(sender) is False


def test_the_hourly_task_reads_active_whatsapp_senders_that_are_due(account, provider):
    # given
    now = timezone.now()

    def make(**fields):
        defaults = {
            "account": account,
            "channel": "whatsapp",
            "api_base_url": provider.url,
            "access_token": "t",
        }
        return SenderFactory(**{**defaults, **fields})

    never = make(phone_number_id="1")
    old = make(phone_number_id="2", limits_checked_at=now - timedelta(minutes=58))
    fresh = make(phone_number_id="3", limits_checked_at=now - timedelta(minutes=20))
    inactive = make(phone_number_id="4", is_active=False)
    sandbox = SenderFactory(account=account, channel="sandbox", phone_number_id="5")
    # when
    read = tasks.senders_limits_refresh()
    # then
    assert read == 2
    assert sorted(r.path.split("?")[0] for r in provider.requests) == ["/1", "/2"]
    for sender, tier in ((never, "TIER_1K"), (old, "TIER_1K"), (fresh, ""), (inactive, "")):
        sender.refresh_from_db()
        assert sender.limit_tier_read == tier
    sandbox.refresh_from_db()
    assert sandbox.limits_checked_at is None


def test_the_hourly_task_survives_a_sender_that_fails(account, provider):
    SenderFactory(account=account, channel="whatsapp", api_base_url=provider.url, access_token="")
    good = SenderFactory(
        account=account, channel="whatsapp", api_base_url=provider.url, access_token="t"
    )
    assert tasks.senders_limits_refresh() == 2
    good.refresh_from_db()
    assert good.limit_tier_read == "TIER_1K"


def test_the_migration_makes_the_hourly_schedule():
    # run again here: a transactional test elsewhere may have flushed the migration's row
    from django.apps import apps

    migration = importlib.import_module("messaging.migrations.0006_senders_limits_schedule")
    migration.create(apps, None)
    migration.create(apps, None)  # and once is enough
    schedule = Schedule.objects.get(name="messaging-senders-limits")
    assert schedule.func == "messaging.tasks.senders_limits_refresh"
    assert schedule.schedule_type == Schedule.HOURLY
    assert schedule.repeats == -1
