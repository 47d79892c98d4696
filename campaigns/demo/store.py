"""The demo store itself: its account, the three logins the README lists, its sandbox sender."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from accounts.models import Account, Membership, Role
from accounts.services import account_setup
from campaigns.demo.report import Report
from messaging.models import Sender

DEMO_SLUG = "demo"

# (username, password, role, staff and superuser)
LOGINS = (
    ("demo", "demo-pass-2026", Role.MARKETER, False),
    ("admin", "admin-pass-2026", Role.OWNER, True),
    ("viewer", "viewer-pass-2026", Role.VIEWER, False),
)


def account_ensure(*, report: Report) -> Account:
    account, created = Account.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Demo Store",
            "timezone": "Europe/London",
            "currency": "USD",
            "default_phone_region": "GB",
        },
    )
    if created:
        account_setup(account=account)
    report.piece("account", "demo (Demo Store)", created)
    return account


def logins_ensure(*, account: Account, report: Report) -> dict[str, User]:
    """The logins by username; an existing user keeps its password."""
    users_model = get_user_model()
    users: dict[str, User] = {}
    made = 0
    for username, password, role, staff in LOGINS:
        user = users_model.objects.filter(username=username).first()
        if user is None:
            user = users_model.objects.create_user(
                username=username,
                password=password,
                email=f"{username}@demo.example.com",
                is_staff=staff,
                is_superuser=staff,
            )
            made += 1
        Membership.objects.get_or_create(user=user, account=account, defaults={"role": role})
        users[username] = user
    report.piece("logins", "demo, viewer, admin", made)
    return users


def sender_ensure(*, account: Account, report: Report) -> Sender:
    sender, created = Sender.objects.get_or_create(
        account=account,
        phone_number_id="demo-sandbox",
        defaults={
            "name": "Demo sandbox",
            "channel": Sender.Channel.SANDBOX,
            "display_phone_number": "+1 555 0100",
            # The sandbox has no provider limit to respect; a high rate keeps seeding quick.
            "rate_limit_per_second": 1000,
            # Plays back delivered / read / failed statuses, so a send shows a whole life.
            "simulate_statuses": True,
        },
    )
    report.piece("sender", "Demo sandbox (sandbox channel)", created)
    return sender
