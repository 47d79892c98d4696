"""``manage.py create_api_key``: the last line of its output is a working key."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiKey, hash_api_key
from campaigns.models import Campaign
from tests.factories import CampaignFactory


def _run(*args) -> list[str]:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_last_line_is_a_key_that_opens_the_api(client, account):
    # when the command makes a key for the account
    lines = _run("acme")

    # then a note says it is shown once, and the last line authenticates against the API
    raw = lines[-1]
    assert "shown only once" in lines[-2]
    response = client.get("/api/campaigns", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    key = ApiKey.objects.get()
    assert key.account == account
    assert key.key_hash == hash_api_key(raw)
    assert raw not in (key.prefix, key.name)


@pytest.mark.django_db
def test_name_and_role_options_are_stored(account):
    lines = _run("acme", "--name", "Nightly export", "--role", "viewer")

    key = ApiKey.objects.get()
    assert (key.name, key.role) == ("Nightly export", "viewer")
    assert lines[-1].startswith(key.prefix)


@pytest.mark.django_db
def test_a_viewer_key_reads_but_cannot_act(client, account):
    campaign = CampaignFactory(account=account, status=Campaign.Status.RUNNING)
    raw = _run("acme", "--role", "viewer")[-1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    read = client.get(f"/api/campaigns/{campaign.pk}", **auth)
    pause = client.post(f"/api/campaigns/{campaign.pk}/pause", **auth)

    assert read.status_code == 200
    assert pause.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING


@pytest.mark.django_db
def test_unknown_slug_is_a_clear_error_and_creates_nothing(account):
    with pytest.raises(CommandError) as info:
        _run("no-such-store")

    assert "no-such-store" in str(info.value)
    assert "acme" in str(info.value)  # names the accounts that exist
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
def test_unknown_role_is_refused(account):
    with pytest.raises(CommandError) as info:
        _run("acme", "--role", "emperor")

    assert "emperor" in str(info.value)
    assert not ApiKey.objects.exists()
