"""Password guessing is throttled (django-axes): per username, per address, with an unlock."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, authenticate
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Role
from accounts.throttle import client_ip
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def member(account):
    user = UserFactory(username="ada")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(account=account, user=user, role=Role.MARKETER)
    return user


def sign_in(client, username, password, *, address="203.0.113.10", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_61st_attempt_with_the_right_password_is_refused_during_lockout(client, member):
    # given: the 60 wrong passwords of the report
    answers = [sign_in(client, "ada", f"wrong-{i}").status_code for i in range(60)]

    # when
    response = sign_in(client, "ada", PASSWORD)

    # then: refused, with a page that says how long to wait and whom to ask
    assert answers[:9] == [200] * 9  # the form again, "enter a correct username and password"
    assert 429 in answers
    assert response.status_code == 429
    assert not signed_in(client)
    html = response.content.decode()
    assert "Sign-in is locked for 15 minutes" in html
    assert "ask the administrator of this installation" in html
    assert response["Retry-After"] == "900"


def test_the_limit_is_the_setting_and_the_right_password_works_before_it(client, member):
    for i in range(9):
        assert sign_in(client, "ada", f"wrong-{i}").status_code == 200

    response = sign_in(client, "ada", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_a_username_is_locked_from_every_address(client, member):
    for i in range(10):
        sign_in(client, "ada", f"wrong-{i}", address=f"198.51.100.{i}")

    response = sign_in(Client(), "ada", PASSWORD, address="192.0.2.77")

    assert response.status_code == 429


def test_an_address_is_locked_for_every_username(client, account, member):
    # given: one address tries ten different usernames
    for i in range(10):
        sign_in(client, f"guess{i}", "password", address="203.0.113.99")

    # when: the real user signs in from that address
    fresh = Client()
    response = sign_in(fresh, "ada", PASSWORD, address="203.0.113.99")

    # then
    assert response.status_code == 429
    assert not signed_in(fresh)
    # and from another address the user is not locked
    assert sign_in(Client(), "ada", PASSWORD, address="192.0.2.1").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, member):
    for i in range(10):
        sign_in(client, "ada", f"wrong-{i}")
    assert sign_in(client, "ada", PASSWORD).status_code == 429

    with time_machine.travel(dt.timedelta(minutes=16)):
        response = sign_in(client, "ada", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_the_admin_login_goes_through_the_same_lockout(client, db):
    staff = UserFactory(username="root", is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    for i in range(10):
        sign_in(client, "root", f"wrong-{i}", url=ADMIN_LOGIN)

    response = sign_in(client, "root", PASSWORD, url=ADMIN_LOGIN)

    assert response.status_code == 429
    assert "Sign-in is locked" in response.content.decode()
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_staff_unlock_a_user_from_the_admin(client, member, db):
    # given: ada is locked out
    for i in range(10):
        sign_in(client, "ada", f"wrong-{i}")
    assert sign_in(client, "ada", PASSWORD).status_code == 429
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))

    # when: staff run the unlock action on her
    response = staff.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [member.pk]},
        follow=True,
    )

    # then
    assert response.status_code == 200
    assert "Unlocked sign-in for 1 user(s)" in response.content.decode()
    fresh = Client()
    assert sign_in(fresh, "ada", PASSWORD).status_code == 302
    assert signed_in(fresh)


def test_staff_see_and_delete_locked_addresses_in_the_admin(client, member, db):
    from axes.models import AccessAttempt

    for i in range(10):
        sign_in(client, f"guess{i}", "password", address="203.0.113.50")
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = staff.get(reverse("admin:axes_accessattempt_changelist"), {"q": "203.0.113.50"})
    assert listing.status_code == 200
    assert "203.0.113.50" in listing.content.decode()

    ids = list(AccessAttempt.objects.filter(ip_address="203.0.113.50").values_list("pk", flat=True))
    staff.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert sign_in(Client(), "ada", PASSWORD, address="203.0.113.50").status_code == 302


def test_a_sign_in_without_a_request_is_not_throttled(member):
    """Management commands and the test client's login() have no client address to count."""
    assert authenticate(username="ada", password=PASSWORD) == member


def test_the_forwarded_address_counts_only_behind_the_proxy(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 9.9.9.9")

    settings.BEHIND_TLS_PROXY = False
    assert client_ip(spoofed) == "10.0.0.5"

    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "9.9.9.9"  # the entry our proxy appended, not the client's
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(spoofed) == "1.2.3.4"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(garbage) == "10.0.0.5"
    assert client_ip(HttpRequest()) is None  # force_login's stand-in: no address to store


def test_a_client_cannot_dodge_the_lockout_with_a_forwarded_header(client, member, settings):
    settings.BEHIND_TLS_PROXY = False
    for i in range(10):
        client.post(
            LOGIN,
            {"username": f"guess{i}", "password": "x"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )

    response = sign_in(Client(), "ada", PASSWORD, address="203.0.113.7")

    assert response.status_code == 429
