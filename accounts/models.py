import hashlib
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.models import AccountScopedManager, TimeStampedModel


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (use an IANA name).")


class Account(TimeStampedModel):
    """A tenant: every domain row belongs to exactly one account."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    currency = models.CharField(max_length=3, default="USD")
    default_phone_region = models.CharField(
        max_length=2, default="US", help_text="Region used for numbers without a country code."
    )
    # Attribution windows: a conversion goes to the last human click within the click window,
    # else to the last message delivered within the delivery window (analytics/attribution.py).
    click_window_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="A conversion within this many days after a tracked click goes to its campaign.",
    )
    delivery_window_days = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text="Without a click, a conversion within this many days after a delivered "
        "message goes to its campaign (0: only clicks count).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    MARKETER = "marketer", "Marketer"
    VIEWER = "viewer", "Viewer"


# What each role may do. Viewers read only; marketers build and send campaigns; managers also
# run senders, API keys and members, and approve or reject message templates (a marketer
# never approves what they wrote); owners everything.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({"edit", "send", "manage", "approve"}),
    Role.MANAGER: frozenset({"edit", "send", "manage", "approve"}),
    Role.MARKETER: frozenset({"edit", "send"}),
    Role.VIEWER: frozenset(),
}


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MARKETER)

    objects = AccountScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "account"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.account} ({self.role})"

    def can(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())


def hash_api_key(raw_key: str) -> str:
    # Keys are 256 random bits, so a plain SHA-256 is enough: no need for a slow password hash.
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(TimeStampedModel):
    """A bearer key for the REST API; only its hash and a short prefix are kept."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MANAGER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def can(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())
