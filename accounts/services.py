import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from . import ports
from .models import Account, ApiKey, Membership, Role, hash_api_key

KEY_PREFIX = "cmp_"


@transaction.atomic
def account_create(
    *,
    name: str,
    slug: str,
    owner: User | None = None,
    timezone_name: str = "UTC",
    currency: str = "USD",
) -> Account:
    account = Account(name=name, slug=slug, timezone=timezone_name, currency=currency)
    account.full_clean()
    account.save()
    account_setup(account=account)
    if owner is not None:
        Membership.objects.create(user=owner, account=account, role=Role.OWNER)
    return account


def account_setup(*, account: Account) -> None:
    """What a new account needs from the apps above accounts (its price table): every path
    that creates an account calls this once, in the creating transaction."""
    ports.account_setup.get()(account)


@transaction.atomic
def account_settings_update(
    *, account: Account, click_window_days: int, delivery_window_days: int
) -> Account:
    account.click_window_days = click_window_days
    account.delivery_window_days = delivery_window_days
    account.full_clean()
    account.save(update_fields=["click_window_days", "delivery_window_days", "updated_at"])
    return account


def membership_set(*, user: User, account: Account, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, account=account, defaults={"role": role}
    )
    return membership


def api_key_create(
    *, account: Account, name: str, role: str = Role.MANAGER, created_by: User | None = None
) -> tuple[ApiKey, str]:
    """Create a key and return it with its raw value, which is shown once and never stored."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        account=account,
        name=name,
        role=role,
        prefix=raw[: len(KEY_PREFIX) + 6],
        key_hash=hash_api_key(raw),
        created_by=created_by,
    )
    return key, raw


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
    return key


def api_key_authenticate(*, raw: str) -> ApiKey | None:
    """The active key for ``raw``; marks it used at most once a minute to spare writes."""
    if not raw or not raw.startswith(KEY_PREFIX):
        return None
    key = (
        ApiKey.objects.select_related("account")
        .filter(key_hash=hash_api_key(raw), revoked_at__isnull=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def user_create(*, username: str, password: str, email: str = "", **extra: Any) -> User:
    return get_user_model().objects.create_user(
        username=username, password=password, email=email, **extra
    )
