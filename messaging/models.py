from django.db import models

from accounts.models import Account
from core.fields import EncryptedTextField
from core.models import AccountScopedManager, TimeStampedModel

# Fields that hold secrets: write-only everywhere (forms, admin, API); never rendered; stored
# encrypted (``core.crypto``). ``max_length`` limits the secret as typed, not the column.
SECRET_FIELDS = ("access_token", "app_secret", "verify_token", "auth_token", "smtp_password")


# WhatsApp's messaging-limit tiers (``messaging.limits`` reads and applies them).
TIER_CHOICES = [
    ("", "As WhatsApp says (read from the Cloud API)"),
    ("TIER_50", "50 unique users / 24 h"),
    ("TIER_250", "250 unique users / 24 h"),
    ("TIER_1K", "1,000 unique users / 24 h"),
    ("TIER_2K", "2,000 unique users / 24 h"),
    ("TIER_10K", "10,000 unique users / 24 h"),
    ("TIER_100K", "100,000 unique users / 24 h"),
    ("TIER_UNLIMITED", "Unlimited"),
]


class Sender(TimeStampedModel):
    """A sending identity (a WhatsApp number, an SMS number, a mailbox) and its credentials."""

    class Channel(models.TextChoices):
        SANDBOX = "sandbox", "Sandbox"
        WHATSAPP = "whatsapp", "WhatsApp Cloud API"
        SMS = "sms", "SMS (Twilio-compatible)"
        EMAIL = "email", "Email"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="senders")
    name = models.CharField(max_length=200)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.SANDBOX)
    phone_number_id = models.CharField(
        max_length=64, help_text="WhatsApp phone number id (or the SMS/email sender's own id)."
    )
    display_phone_number = models.CharField(max_length=32, blank=True, default="")
    api_base_url = models.URLField(blank=True, default="")
    account_sid = models.CharField(max_length=64, blank=True, default="")
    from_address = models.CharField(
        max_length=254, blank=True, default="", help_text="SMS from-number or email From address."
    )
    # SMS: a Twilio Messaging Service ("MG" + 32 hex digits) sends instead of the From number,
    # choosing a number of its pool. An identifier, not a secret: stored as it is.
    messaging_service_sid = models.CharField(
        max_length=34,
        blank=True,
        default="",
        help_text="SMS: a Twilio Messaging Service SID (MG…); when set it sends instead of From.",
    )
    # SMS: what one segment costs on this sender (its Twilio account and the country of its
    # numbers set the price), in SMS_PRICE_CURRENCY; empty when unknown. Shown in the editor.
    sms_segment_price = models.DecimalField(
        max_digits=9,
        decimal_places=5,
        null=True,
        blank=True,
        help_text="SMS: the price of one segment, shown with the message's cost in the editor.",
    )
    # WhatsApp's messaging limit: how many unique users this number may start conversations
    # with in a rolling 24 h (``messaging.limits``). ``messaging_limit`` is the operator's
    # word and wins; blank means "as WhatsApp says", read into ``limit_tier_read``.
    messaging_limit = models.CharField(
        max_length=20,
        blank=True,
        choices=TIER_CHOICES,
        default="",
        help_text="WhatsApp: unique users per 24 h. Blank reads the tier from WhatsApp.",
    )
    limit_tier_read = models.CharField(max_length=20, blank=True, default="")
    quality_rating = models.CharField(max_length=10, blank=True, default="")
    limits_checked_at = models.DateTimeField(null=True, blank=True)
    limits_error = models.CharField(max_length=300, blank=True, default="")
    access_token = EncryptedTextField(blank=True, default="")
    app_secret = EncryptedTextField(max_length=200, blank=True, default="")
    verify_token = EncryptedTextField(max_length=200, blank=True, default="")
    auth_token = EncryptedTextField(max_length=200, blank=True, default="")
    smtp_password = EncryptedTextField(max_length=200, blank=True, default="")
    rate_limit_per_second = models.PositiveIntegerField(default=80)
    is_active = models.BooleanField(default=True)
    # Sandbox only: play sent / delivered / read / failed statuses back on a realistic timeline.
    simulate_statuses = models.BooleanField(
        default=False,
        help_text="Sandbox only: emit delivered / read / failed statuses after sending.",
    )

    objects = AccountScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "phone_number_id"], name="sender_unique_phone_number_id"
            ),
        ]
        indexes = [models.Index(fields=["account", "channel"], name="sender_acct_channel")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()})"


class SandboxMessage(models.Model):
    """What the sandbox provider 'sent': lets a fresh install (and tests) see every message."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(Sender, on_delete=models.CASCADE, related_name="sandbox_messages")
    recipient_id = models.BigIntegerField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=128, unique=True)
    to = models.CharField(max_length=254, blank=True, default="")
    body = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider_message_id} → {self.to}"


class RateBucket(models.Model):
    """The shared token bucket of one sender when Redis is absent (see ``messaging.ratelimit``).

    ``key`` is a plain string, not a foreign key, so the limiter can pace any key and never
    joins a sender's transaction. ``tat`` is the bucket's theoretical arrival time (GCRA): the
    Unix time at which the next token becomes free.
    """

    key = models.CharField(max_length=64, primary_key=True)
    tat = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"{self.key} free at {self.tat:.3f}"
