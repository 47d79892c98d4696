"""The senders page: list for members, create / edit / delete for managers."""

import pytest

from accounts.models import Role
from messaging.models import Sender
from tests.factories import CampaignFactory, SenderFactory

LIST = "/dashboard/messaging/senders/"


@pytest.fixture
def manager_client(client, account, make_member):
    client.force_login(make_member(account, Role.MANAGER))
    return client


def _form(**extra):
    data = {
        "channel": "whatsapp",
        "name": "Main number",
        "phone_number_id": "106540352242922",
        "rate_limit_per_second": "80",
        "is_active": "on",
        "access_token": "tok-SECRET",
        "app_secret": "app-SECRET",
        "verify_token": "verify-SECRET",
    }
    data.update(extra)
    return data


def test_list_shows_senders_without_secrets(manager_client, account):
    SenderFactory(account=account, name="Sales line", access_token="tok-SECRET")
    response = manager_client.get(LIST)
    assert response.status_code == 200
    assert response.context["nav"] == "messaging"
    html = response.content.decode()
    assert "Sales line" in html
    assert "tok-SECRET" not in html
    assert "New sender" in html


def test_viewer_sees_the_list_but_no_write_buttons(client, viewer, account):
    SenderFactory(account=account, name="Sales line")
    client.force_login(viewer)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Sales line" in response.content.decode()
    assert "New sender" not in response.content.decode()
    assert client.get("/dashboard/messaging/senders/new/").status_code == 403
    assert client.post("/dashboard/messaging/senders/new/", _form()).status_code == 403
    assert not Sender.objects.filter(name="Main number").exists()


def test_signed_out_visitor_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_create_with_secrets_then_they_are_write_only(manager_client, account):
    # when
    response = manager_client.post("/dashboard/messaging/senders/new/", _form())
    # then
    assert response.status_code == 302
    sender = Sender.objects.get(account=account, name="Main number")
    assert sender.access_token == "tok-SECRET"
    edit = manager_client.get(f"/dashboard/messaging/senders/{sender.pk}/")
    assert edit.status_code == 200
    html = edit.content.decode()
    assert "tok-SECRET" not in html
    assert "app-SECRET" not in html
    assert "Stored. Leave blank to keep it." in html
    assert 'type="password"' in html


def test_edit_with_blank_secrets_keeps_them(manager_client, account):
    sender = SenderFactory(account=account, channel="whatsapp", access_token="keep-me")
    data = _form(name="Renamed", access_token="", app_secret="", verify_token="")
    data["phone_number_id"] = sender.phone_number_id
    response = manager_client.post(f"/dashboard/messaging/senders/{sender.pk}/", data)
    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.name == "Renamed"
    assert sender.access_token == "keep-me"


def test_invalid_form_shows_errors_inline_and_changes_nothing(manager_client, account):
    response = manager_client.post(
        "/dashboard/messaging/senders/new/", _form(access_token="", rate_limit_per_second="-3")
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Sender.objects.exists()
    response = manager_client.post("/dashboard/messaging/senders/new/", _form(access_token=""))
    assert response.status_code == 200
    assert "access_token" in response.context["form"].errors
    assert not Sender.objects.exists()


def test_duplicate_id_is_an_inline_error(manager_client, account):
    SenderFactory(account=account, phone_number_id="106540352242922")
    response = manager_client.post("/dashboard/messaging/senders/new/", _form())
    assert response.status_code == 200
    assert "phone_number_id" in response.context["form"].errors
    assert Sender.objects.count() == 1


def test_delete_refuses_a_sender_in_use(manager_client, account):
    campaign = CampaignFactory(account=account)
    response = manager_client.post(
        f"/dashboard/messaging/senders/{campaign.sender_id}/delete/", follow=True
    )
    assert response.status_code == 200
    assert "used by campaigns" in response.content.decode()
    assert Sender.objects.filter(pk=campaign.sender_id).exists()
    unused = SenderFactory(account=account)
    manager_client.post(f"/dashboard/messaging/senders/{unused.pk}/delete/")
    assert not Sender.objects.filter(pk=unused.pk).exists()


def test_another_accounts_sender_is_404(manager_client, other_account):
    theirs = SenderFactory(account=other_account, name="Theirs")
    assert manager_client.get(f"/dashboard/messaging/senders/{theirs.pk}/").status_code == 404
    edit = manager_client.post(f"/dashboard/messaging/senders/{theirs.pk}/", _form())
    assert edit.status_code == 404
    delete = manager_client.post(f"/dashboard/messaging/senders/{theirs.pk}/delete/")
    assert delete.status_code == 404
    assert "Theirs" not in manager_client.get(LIST).content.decode()
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
