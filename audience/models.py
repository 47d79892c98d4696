from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account, validate_time_zone
from core.models import AccountScopedManager, TimeStampedModel
from core.storage import private_storage, random_name


class Tag(TimeStampedModel):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=64)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class AttributeDefinition(TimeStampedModel):
    """Declares a custom attribute's type, so values are stored and compared as that type."""

    class Type(models.TextChoices):
        TEXT = "text", "Text"
        NUMBER = "number", "Number"
        DATE = "date", "Date"
        BOOLEAN = "boolean", "Yes / no"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="attributes")
    key = models.SlugField(max_length=64)
    label = models.CharField(max_length=100)
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.TEXT)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="attribute_unique_key"),
        ]

    def __str__(self) -> str:
        return self.label or self.key


class Contact(TimeStampedModel):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    phone = models.CharField(max_length=20, null=True, blank=True, help_text="E.164")
    email = models.EmailField(blank=True, default="")
    first_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100, blank=True, default="")
    timezone = models.CharField(
        max_length=64, blank=True, default="", validators=[validate_time_zone]
    )
    country = models.CharField(max_length=2, blank=True, default="", help_text="ISO 3166-1")
    attributes = models.JSONField(default=dict, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    subscribed = models.BooleanField(default=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # E-mail only: the contact used an e-mail's unsubscribe link (RFC 8058 one-click or the
    # page). Other channels still reach them; only the person can undo it.
    email_opted_out_at = models.DateTimeField(null=True, blank=True)
    # The mail server refused this address for good (5xx at RCPT or DATA): e-mail campaigns
    # skip it until someone clears the mark or changes the address.
    email_bounced_at = models.DateTimeField(null=True, blank=True)
    email_bounce_reason = models.CharField(max_length=500, blank=True, default="")

    objects = AccountScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # NULL phones (email-only contacts) never collide.
            models.UniqueConstraint(fields=["account", "phone"], name="contact_unique_phone"),
        ]
        indexes = [
            models.Index(fields=["account", "subscribed"], name="contact_acct_subscribed"),
            models.Index(fields=["account", "country"], name="contact_acct_country"),
            models.Index(fields=["account", "timezone"], name="contact_acct_timezone"),
            models.Index(fields=["account", "email"], name="contact_acct_email"),
            models.Index(fields=["account", "created_at"], name="contact_acct_created"),
            models.Index(fields=["account", "last_name", "first_name"], name="contact_acct_name"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.phone or self.email or f"Contact {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def email_reachable(self) -> bool:
        """Whether e-mail campaigns include this contact (see ``audience.selectors``)."""
        return bool(self.email) and not (self.email_opted_out_at or self.email_bounced_at)


class Segment(TimeStampedModel):
    """A saved filter tree over contacts; see ``audience.filters`` for its grammar."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    filters = models.JSONField(default=dict, blank=True)
    contact_count = models.PositiveIntegerField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = AccountScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="segment_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class SuppressionEntry(TimeStampedModel):
    """A phone or email that must never be messaged, whatever the campaign says."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="suppressions")
    phone = models.CharField(max_length=20, null=True, blank=True)
    email = models.EmailField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True, default="")

    objects = AccountScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "suppression entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(email__isnull=False),
                name="suppression_phone_or_email",
            ),
            models.UniqueConstraint(fields=["account", "phone"], name="suppression_unique_phone"),
            models.UniqueConstraint(fields=["account", "email"], name="suppression_unique_email"),
        ]

    def __str__(self) -> str:
        return self.phone or self.email or ""


def import_file_name(instance: "ImportJob", filename: str) -> str:
    return random_name("imports", "csv")


def import_errors_name(instance: "ImportJob", filename: str) -> str:
    return random_name("imports/errors", "csv")


class ImportJob(TimeStampedModel):
    """One CSV import: the task streams ``file`` and reports progress here.

    The upload and its rejected rows hold personal data: both are in the private storage
    (never under the public media root) under random names, and leave it only through the
    download views, which check the account and the role.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="import_jobs")
    file = models.FileField(upload_to=import_file_name, storage=private_storage)
    original_name = models.CharField(max_length=255, blank=True, default="")
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total_bytes = models.BigIntegerField(default=0)
    processed_bytes = models.BigIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How to read ``file`` (sniffed at upload) and when it was handed to the task queue; a job
    # waits unqueued while the person reviews the column mapping.
    encoding = models.CharField(max_length=32, default="utf-8-sig")
    delimiter = models.CharField(max_length=1, default=",")
    queued_at = models.DateTimeField(null=True, blank=True)
    # Every rejected row with its reason (``errors`` keeps only the first ones).
    error_file = models.FileField(
        upload_to=import_errors_name, storage=private_storage, blank=True, default=""
    )
    new_attributes = models.JSONField(default=list, blank=True)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "status"], name="importjob_acct_status")]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"
