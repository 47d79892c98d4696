from decimal import Decimal

from django.conf import settings
from django.db import models

from accounts.models import Account
from core.events import EventType
from core.models import AccountScopedManager, TimeStampedModel
from core.storage import private_storage, random_name


class Event(models.Model):
    """An append-only fact about a message or contact: the source for stats and charts."""

    # The kinds are the port's vocabulary (``core.events``), so apps below write them too.
    Type = EventType

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="events")
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    recipient = models.ForeignKey(
        "delivery.Recipient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        "audience.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    type = models.CharField(max_length=16, choices=Type.choices)
    occurred_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)
    revenue = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "type", "occurred_at"], name="event_camp_type_time"),
            models.Index(fields=["account", "occurred_at"], name="event_acct_time"),
            models.Index(fields=["contact", "type", "occurred_at"], name="event_contact_type"),
        ]

    def __str__(self) -> str:
        return f"{self.type} @ {self.occurred_at:%Y-%m-%d %H:%M}"


class Rollup(models.Model):
    """A campaign's events counted by one dimension, per UTC day and variant.

    Kept by the event log's writer in the same transaction as the events (one upsert per
    batch, ``count = count + n``), so stats and charts read a few hundred rows where the events
    of a million recipients are millions. ``analytics.rollups`` names the dimensions and kinds.
    """

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    variant_key = models.CharField(max_length=32, blank=True, default="")
    dimension = models.CharField(max_length=16)
    key = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=24)
    count = models.BigIntegerField(default=0)
    value = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dimension", "day", "variant_key", "key", "kind"],
                name="rollup_unique_cell",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.campaign_id} {self.day} {self.dimension}={self.key} {self.kind}: {self.count}"
        )


def export_file_name(instance: "Export", filename: str) -> str:
    """A random private name: the file holds recipients' personal data."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return random_name("exports", extension)


class Export(TimeStampedModel):
    """One export of a campaign's figures, written by a task in chunks; ``rows_done`` /
    ``rows_total`` are its progress, which the page polls.

    The file names recipients (phones, e-mails), so it lives in the private storage under a
    random name and leaves it only through the download view, which checks the account.
    """

    class Kind(models.TextChoices):
        RECIPIENTS_CSV = "recipients_csv", "Recipients (CSV)"
        EVENTS_CSV = "events_csv", "Events (CSV)"
        REPORT_XLSX = "report_xlsx", "Report (XLSX)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        # Its file was deleted EXPORTS_KEEP_DAYS after it was written (it names recipients).
        EXPIRED = "expired", "Expired"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="exports"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # {"since": "YYYY-MM-DD" | null, "until": … , "variant": null (all) | "" (none) | key}
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(default=0)
    file = models.FileField(
        upload_to=export_file_name, storage=private_storage, blank=True, default=""
    )
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "created_at"], name="export_campaign_time"),
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} {self.kind} ({self.status})"


class Conversion(models.Model):
    """A purchase, sign-up or any named event a contact made, reported by the API, the
    website pixel or a store, with the campaign it is attributed to (none: account only)."""

    class Attribution(models.TextChoices):
        CLICK = "click", "Last click"
        DELIVERY = "delivery", "Last delivery"
        NONE = "", "Unattributed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="conversions")
    contact = models.ForeignKey(
        "audience.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversions",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversions",
    )
    recipient = models.ForeignKey(
        "delivery.Recipient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    variant_key = models.CharField(max_length=32, blank=True, default="")
    # Journeys (issue 13) attribute to a step of a journey version: its id goes here.
    journey_step = models.CharField(max_length=64, blank=True, default="")
    event = models.CharField(max_length=64, default="purchase")
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3)
    order_id = models.CharField(max_length=128, blank=True, default="")
    occurred_at = models.DateTimeField()
    properties = models.JSONField(default=dict, blank=True)
    attribution = models.CharField(
        max_length=16, choices=Attribution.choices, blank=True, default=Attribution.NONE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "order_id"],
                condition=~models.Q(order_id=""),
                name="conversion_unique_order",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "occurred_at"], name="conversion_acct_time"),
            models.Index(fields=["campaign", "occurred_at"], name="conversion_camp_time"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.value or ''} {self.currency} @ {self.occurred_at:%Y-%m-%d}"


class MessagePrice(models.Model):
    """What one message costs an account, by channel, WhatsApp category and country, in the
    account's currency: the cost side of a campaign's ROI (``analytics.money``)."""

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        SMS = "sms", "SMS"
        EMAIL = "email", "E-mail"

    class Category(models.TextChoices):
        MARKETING = "marketing", "Marketing"
        UTILITY = "utility", "Utility"
        AUTHENTICATION = "authentication", "Authentication"
        SERVICE = "service", "Service"
        NONE = "", "—"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="message_prices")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    category = models.CharField(max_length=16, choices=Category.choices, blank=True, default="")
    country = models.CharField(
        max_length=2, blank=True, default="", help_text="ISO 3166 alpha-2; empty: every other."
    )
    price = models.DecimalField(max_digits=10, decimal_places=5)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["channel", "category", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "channel", "category", "country"], name="price_unique_key"
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        where = self.country or "other countries"
        kind = f"{self.channel} {self.category}".strip()
        return f"{kind}, {where}: {self.price}"
