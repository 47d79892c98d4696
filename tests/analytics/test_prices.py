"""The message price table: seeded for every account however it is made, edited on its
page by owners and managers only, one row per (channel, category, country)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Account, Role
from accounts.services import account_create
from analytics.models import MessagePrice
from analytics.price_defaults import default_prices
from analytics.pricing import prices_seed

pytestmark = pytest.mark.django_db

URL = "/accounts/settings/prices/"


def _rows(account):
    return {
        (p.channel, p.category, p.country): p.price
        for p in MessagePrice.objects.for_account(account)
    }


def test_a_new_account_starts_with_realistic_prices():
    account = account_create(name="Shop", slug="shop", currency="USD")

    rows = _rows(account)
    assert len(rows) == len(default_prices("USD"))
    # WhatsApp by category for major countries, a rest-of-world row, SMS and e-mail.
    for country in ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BR", "MX", "IN", "ID", "NG"):
        for category in ("marketing", "utility", "authentication"):
            assert rows[("whatsapp", category, country)] > 0
        assert rows[("sms", "", country)] > 0
    assert rows[("whatsapp", "service", "US")] == 0
    assert rows[("whatsapp", "marketing", "")] > rows[("whatsapp", "utility", "")]
    assert rows[("whatsapp", "marketing", "US")] == Decimal("0.02500")
    assert rows[("email", "", "")] == Decimal("0.00010")


def test_prices_are_converted_to_the_accounts_currency():
    euro = account_create(name="Boutique", slug="boutique", currency="EUR")
    assert _rows(euro)[("whatsapp", "marketing", "US")] == Decimal("0.02300")  # 0.025 × 0.92


def test_an_account_added_in_the_admin_gets_its_prices(admin_client):
    response = admin_client.post(
        "/admin/accounts/account/add/",
        {
            "name": "Staff made",
            "slug": "staff-made",
            "timezone": "UTC",
            "currency": "USD",
            "default_phone_region": "US",
            "click_window_days": "5",
            "delivery_window_days": "1",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(_rows(Account.objects.get(slug="staff-made"))) == len(default_prices("USD"))


def test_seeding_again_keeps_edited_rows(account):
    prices_seed(account)
    MessagePrice.objects.filter(account=account, channel="sms", country="FR").update(
        price=Decimal("0.5")
    )
    assert prices_seed(account) == 0
    assert _rows(account)[("sms", "", "FR")] == Decimal("0.5")


def test_the_data_migration_seeds_existing_accounts(account, other_account):
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("analytics", "0006_seed_message_prices"))
    migration = executor.loader.get_migration("analytics", "0006_seed_message_prices")
    seed = migration.operations[0].code

    seed(state.apps, None)

    assert len(_rows(account)) == len(default_prices("EUR"))
    assert len(_rows(other_account)) == len(default_prices("EUR"))


# --- the page --------------------------------------------------------------------------------


@pytest.fixture
def manager_client(client, account, make_member):
    """A manager's session, and a small table (the page edits whatever rows there are)."""
    client.force_login(make_member(account, Role.MANAGER))
    for channel, category, country, price in (
        ("sms", "", "FR", "0.07770"),
        ("sms", "", "DE", "0.08400"),
        ("whatsapp", "marketing", "", "0.06040"),
    ):
        MessagePrice.objects.create(
            account=account, channel=channel, category=category, country=country, price=price
        )
    return client


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETER])
def test_only_owners_and_managers_open_or_post_the_page(client, account, make_member, role):
    client.force_login(make_member(account, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {}).status_code == 403


def _formset_data(client, changes=None, extra=None):
    """The page's formset as the browser posts it, with ``changes`` by (channel, category,
    country) and an ``extra`` new row."""
    formset = client.get(URL).context["formset"]
    data = {
        "form-TOTAL_FORMS": str(len(formset.forms)),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(formset.forms):
        instance = form.instance
        if instance.pk is None:
            row = extra or {}
        else:
            key = (instance.channel, instance.category, instance.country)
            row = {
                "id": instance.pk,
                "channel": instance.channel,
                "category": instance.category,
                "country": instance.country,
                "price": str(instance.price),
                **(changes or {}).get(key, {}),
            }
        for name, value in row.items():
            data[f"form-{i}-{name}"] = value
    return data


def test_a_manager_edits_adds_and_removes_prices(manager_client, account):
    data = _formset_data(
        manager_client,
        changes={
            ("sms", "", "FR"): {"price": "0.07000"},
            ("sms", "", "DE"): {"DELETE": "on"},
        },
        extra={"channel": "sms", "category": "", "country": "jp", "price": "0.07500"},
    )

    response = manager_client.post(URL, data)

    assert response.status_code == 302
    rows = _rows(account)
    assert rows[("sms", "", "FR")] == Decimal("0.07000")
    assert ("sms", "", "DE") not in rows
    assert rows[("sms", "", "JP")] == Decimal("0.07500")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"channel": "sms", "category": "", "country": "FR", "price": "1"}, "already in the table"),
        ({"channel": "whatsapp", "category": "", "country": "JP", "price": "1"}, "category"),
        ({"channel": "sms", "category": "marketing", "country": "JP", "price": "1"}, "category"),
        ({"channel": "sms", "category": "", "country": "J1", "price": "1"}, "two-letter"),
        ({"channel": "sms", "category": "", "country": "JP", "price": "-1"}, "negative"),
        ({"channel": "fax", "category": "", "country": "JP", "price": "1"}, "valid choice"),
    ],
)
def test_bad_rows_are_refused_on_the_page_and_change_nothing(
    manager_client, account, extra, message
):
    before = _rows(account)
    response = manager_client.post(URL, _formset_data(manager_client, extra=extra))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert _rows(account) == before


def test_another_accounts_row_cannot_be_edited(manager_client, account, other_account):
    theirs = MessagePrice.objects.create(
        account=other_account, channel="sms", country="FR", price="0.07770"
    )
    data = _formset_data(manager_client)
    data["form-0-id"] = str(theirs.pk)
    data["form-0-price"] = "9.99"

    response = manager_client.post(URL, data)

    assert response.status_code == 422
    theirs.refresh_from_db()
    assert theirs.price != Decimal("9.99")


def test_the_page_says_where_the_figures_come_from(manager_client):
    page = manager_client.get(URL).content.decode()
    assert "estimates" in page
    assert "Meta" in page
    assert "Twilio" in page


# --- the settings page: attribution windows --------------------------------------------------


def test_a_manager_sets_the_attribution_windows(client, account, make_member):
    client.force_login(make_member(account, Role.MANAGER))
    response = client.post(
        "/accounts/settings/", {"click_window_days": "7", "delivery_window_days": "0"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.click_window_days, account.delivery_window_days) == (7, 0)


@pytest.mark.parametrize("bad", [{"click_window_days": "0"}, {"click_window_days": "abc"}])
def test_bad_windows_are_refused(client, account, make_member, bad):
    client.force_login(make_member(account, Role.OWNER))
    response = client.post("/accounts/settings/", {"delivery_window_days": "1", **bad})
    assert response.status_code == 422
    account.refresh_from_db()
    assert account.click_window_days == 5


def test_a_viewer_reads_the_settings_but_cannot_change_them(client, account, viewer):
    client.force_login(viewer)
    page = client.get("/accounts/settings/")
    assert page.status_code == 200
    assert "5 days" in page.content.decode()
    assert client.post("/accounts/settings/", {"click_window_days": "9"}).status_code == 403
    account.refresh_from_db()
    assert account.click_window_days == 5
