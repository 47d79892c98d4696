"""The Campaign document of the spec, relational where it is queried or constrained.

Status, type, dates, variants, workflow steps and triggers are columns and rows; document-like
parts (custom filter trees, button lists, step conditions) are validated JSON.
"""

import secrets
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account, validate_time_zone
from audience.models import Contact, Segment
from core.models import AccountScopedManager, AccountScopedQuerySet, TimeStampedModel
from messaging.models import Sender
from templates_app.models import MessageTemplate


class CampaignQuerySet(AccountScopedQuerySet["Campaign"]):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> Self:
        return self.filter(deleted_at__isnull=False)


def analytics_stamp_new() -> int:
    return secrets.randbits(62)


class Campaign(TimeStampedModel):
    class Type(models.TextChoices):
        BROADCAST = "broadcast", "Broadcast"
        DRIP = "drip", "Drip"
        AUTOMATION = "automation", "Automation"
        AB_TEST = "ab-test", "A/B test"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    class AudienceType(models.TextChoices):
        ALL = "all", "All contacts"
        SEGMENT = "segment", "Segments"
        CUSTOM = "custom", "Custom filters"

    class MessageType(models.TextChoices):
        TEXT = "text", "Text"
        TEMPLATE = "template", "Template"
        MEDIA = "media", "Media"
        INTERACTIVE = "interactive", "Interactive"

    class Frequency(models.TextChoices):
        ONCE = "once", "Once"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    class WinnerCriteria(models.TextChoices):
        CLICKS = "clicks", "Clicks"
        CONVERSIONS = "conversions", "Conversions"
        ENGAGEMENT = "engagement", "Engagement"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="campaigns")
    sender = models.ForeignKey(
        Sender, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )

    # Basic info
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.BROADCAST)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.CharField(max_length=500, blank=True, default="")
    # What a paused campaign was paused from (scheduled or running): resume returns it there.
    paused_from = models.CharField(
        max_length=16,
        blank=True,
        default="",
        choices=[(Status.SCHEDULED.value, "Scheduled"), (Status.RUNNING.value, "Running")],
    )

    # Audience
    audience_type = models.CharField(
        max_length=16, choices=AudienceType.choices, default=AudienceType.ALL
    )
    segments = models.ManyToManyField(Segment, blank=True, related_name="campaigns")
    custom_filters = models.JSONField(default=dict, blank=True)
    exclude_unsubscribed = models.BooleanField(default=True)
    exclude_segments = models.ManyToManyField(
        Segment, blank=True, related_name="excluded_from_campaigns"
    )
    exclude_suppressed = models.BooleanField(default=True)
    frequency_cap_hours = models.PositiveIntegerField(null=True, blank=True)
    estimated_reach = models.PositiveIntegerField(default=0)
    # When estimated_reach was counted: the periodic refresh recounts the oldest first.
    estimated_reach_at = models.DateTimeField(null=True, blank=True)

    # Message
    message_type = models.CharField(
        max_length=16, choices=MessageType.choices, default=MessageType.TEXT
    )
    message_content = models.TextField(blank=True, default="")
    # E-mail only: the subject line, with the message's {{variables}}.
    subject = models.CharField(max_length=255, blank=True, default="")
    template = models.ForeignKey(
        MessageTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )
    message_variables = models.JSONField(default=list, blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    buttons = models.JSONField(default=list, blank=True)
    # Variable mapping, fallbacks and conditional blocks (wizard step 4).
    personalization = models.JSONField(default=dict, blank=True)

    # Scheduling
    send_now = models.BooleanField(default=True)
    start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    frequency = models.CharField(max_length=16, choices=Frequency.choices, default=Frequency.ONCE)
    delivery_time = models.TimeField(null=True, blank=True)
    local_time_delivery = models.BooleanField(default=False)
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)

    # A/B testing
    ab_enabled = models.BooleanField(default=False)
    winner_criteria = models.CharField(
        max_length=16, choices=WinnerCriteria.choices, default=WinnerCriteria.CLICKS
    )

    # Automation
    automation_enabled = models.BooleanField(default=False)

    # Stats (counters bumped in bulk by the pipeline; rates are derived)
    total_recipients = models.PositiveIntegerField(default=0)
    total_sent = models.PositiveIntegerField(default=0)
    total_delivered = models.PositiveIntegerField(default=0)
    total_failed = models.PositiveIntegerField(default=0)
    total_opened = models.PositiveIntegerField(default=0)
    total_clicked = models.PositiveIntegerField(default=0)
    total_converted = models.PositiveIntegerField(default=0)
    estimated_revenue = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    # Drawn again with every batch added to the campaign's rollups (analytics.rollup_writer):
    # a report kept under an earlier stamp is never read again (analytics.report_cache).
    # Random, not a counter: a stamp is never seen twice, even by a campaign that reuses a
    # deleted one's id in a database restored from a backup.
    analytics_stamp = models.BigIntegerField(default=analytics_stamp_new, editable=False)

    # Tracking
    tracking_url = models.URLField(blank=True, default="")
    # Links in the message become per-recipient /r/<token> URLs at send time (needs
    # PUBLIC_BASE_URL); the UTM parameters are added to every destination, tracked or not.
    track_links = models.BooleanField(default=True)
    utm_source = models.CharField(max_length=100, blank=True, default="")
    utm_medium = models.CharField(max_length=100, blank=True, default="")
    utm_campaign = models.CharField(max_length=100, blank=True, default="")
    webhook_url = models.URLField(blank=True, default="")

    # Metadata
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The spec's createdBy for a campaign an API key created: the key's name, kept as text so
    # it survives the key's revocation or deletion.
    created_by_api_key = models.CharField(max_length=100, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # Delivery: when the current run's recipients were materialised, and how many runs a
    # recurring broadcast has had (its next run is a django-q2 Schedule).
    prepared_at = models.DateTimeField(null=True, blank=True)
    run_count = models.PositiveIntegerField(default=0)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "status"], name="campaign_acct_status"),
            models.Index(fields=["account", "type"], name="campaign_acct_type"),
            models.Index(fields=["account", "created_at"], name="campaign_acct_created"),
            models.Index(fields=["account", "start_date"], name="campaign_acct_start"),
            models.Index(fields=["account", "name"], name="campaign_acct_name"),
            models.Index(fields=["account", "deleted_at"], name="campaign_acct_deleted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="paused", paused_from__in=["scheduled", "running"])
                | (~Q(status="paused") & Q(paused_from="")),
                name="campaign_paused_from_iff_paused",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="campaign_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def phone_number_id(self) -> str:
        return self.sender.phone_number_id if self.sender is not None else ""

    @staticmethod
    def _rate(part: int, whole: int) -> float:
        return round(100.0 * part / whole, 2) if whole else 0.0

    @property
    def delivery_rate(self) -> float:
        return self._rate(self.total_delivered, self.total_sent)

    @property
    def open_rate(self) -> float:
        return self._rate(self.total_opened, self.total_delivered)

    @property
    def click_rate(self) -> float:
        return self._rate(self.total_clicked, self.total_delivered)

    @property
    def conversion_rate(self) -> float:
        return self._rate(self.total_converted, self.total_delivered)


class Variant(TimeStampedModel):
    """One arm of an A/B (or multi-variant) test; ``message`` has the campaign message's shape."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants")
    key = models.CharField(max_length=32, help_text="Stable id, e.g. A, B, C.")
    name = models.CharField(max_length=100)
    message = models.JSONField(default=dict, blank=True)
    split_percentage = models.PositiveSmallIntegerField(default=50)
    is_winner = models.BooleanField(default=False)
    # Recipients given this variant, over every run: counted by the split that assigns them,
    # so the analytics funnel of one variant starts without counting a million rows.
    recipients_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "key"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="variant_unique_key"),
            models.CheckConstraint(
                condition=Q(split_percentage__lte=100), name="variant_split_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.name}"


class AutomationTrigger(TimeStampedModel):
    class Type(models.TextChoices):
        USER_ACTION = "user_action", "User action"
        TAG_ADDED = "tag_added", "Tag added"
        DATE_BASED = "date_based", "Date based"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="triggers")
    type = models.CharField(max_length=16, choices=Type.choices)
    condition = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["campaign", "id"]
        indexes = [models.Index(fields=["type"], name="trigger_type")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} → {self.campaign}"


class WorkflowStep(TimeStampedModel):
    """A step of a drip sequence or an automation workflow, run ``delay_hours`` after the last."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="workflow")
    step_id = models.CharField(max_length=64)
    position = models.PositiveIntegerField(default=0)
    delay_hours = models.PositiveIntegerField(default=0)
    message = models.JSONField(default=dict, blank=True)
    conditions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "step_id"], name="workflow_unique_step"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} step {self.step_id}"


class CampaignActivity(models.Model):
    """Who did what to a campaign and when: its history, shown on the detail page."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "campaign activity"

    def __str__(self) -> str:
        return f"{self.action} on {self.campaign_id}"


class TestContact(models.Model):
    """A contact of the account that quick test sends go to (the team's own phones)."""

    __test__ = False  # not a pytest test class, whatever its name

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="test_contacts")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "contact"], name="test_contact_unique"),
        ]

    def __str__(self) -> str:
        return str(self.contact)
