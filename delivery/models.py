"""What the send pipeline owns: each campaign's recipients, the batches that carry them, and
the campaign's error log.

The tables keep the names they had when these models lived in ``campaigns`` (moved with
``SeparateDatabaseAndState``; no row was copied).
"""

from django.db import models

from accounts.models import Account
from audience.models import Contact
from campaigns.models import Campaign, Variant


class Recipient(models.Model):
    """One message of one campaign to one contact: the unit the send pipeline claims, sends and
    tracks. A broadcast has one per contact; a journey one per step an enrollment reaches."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        READ = "read", "Read"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"
        RETRY_SCHEDULED = "retry_scheduled", "Retry scheduled"
        UNCERTAIN = "uncertain", "Uncertain"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="recipients")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="recipients"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    send_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=32, blank=True, default="")
    # The provider's short name of the error ("Message undeliverable"), beside its code and
    # its longer explanation in ``error_message``.
    error_title = models.CharField(max_length=200, blank=True, default="")
    error_message = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Delivery bookkeeping: the batch that carries the recipient and the token of the claim
    # that holds it, so a claimer reads back exactly the rows its UPDATE took.
    batch = models.ForeignKey(
        "SendBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="recipients"
    )
    claim_token = models.CharField(max_length=32, blank=True, default="")
    # A journey's message: the enrollment that sent it and the step it is of, so one contact
    # may get several messages of one campaign, one per step. A plain id, not a foreign key:
    # enrollments belong to the journeys app, which sits above delivery. Broadcasts leave both
    # empty.
    enrollment_id = models.BigIntegerField(null=True, blank=True)
    step_key = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        db_table = "campaigns_recipient"
        ordering = ["id"]
        constraints = [
            # A broadcast (or A/B test) messages each contact once; a journey once per step of
            # an enrollment. Partial keys, so materialisation's ON CONFLICT names the first.
            models.UniqueConstraint(
                fields=["campaign", "contact"],
                condition=models.Q(enrollment_id__isnull=True),
                name="recipient_unique_broadcast_contact",
            ),
            models.UniqueConstraint(
                fields=["enrollment_id", "step_key"],
                condition=models.Q(enrollment_id__isnull=False),
                name="recipient_unique_step",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "send_at"], name="recipient_camp_status"),
            models.Index(fields=["provider_message_id"], name="recipient_provider_id"),
            models.Index(fields=["contact", "sent_at"], name="recipient_contact_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.contact_id} {self.status}"


class SendBatch(models.Model):
    """A few hundred recipients sent by one task; the unit the sweeper can re-enqueue."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    size = models.PositiveIntegerField(default=0)
    enqueue_count = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "campaigns_sendbatch"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "enqueued_at"], name="batch_status_enqueued"),
            models.Index(fields=["campaign", "status"], name="batch_campaign_status"),
        ]

    def __str__(self) -> str:
        return f"batch {self.pk} of {self.campaign_id} ({self.status})"


class CampaignError(models.Model):
    """The spec's ``errorLog``: one row per error type, counted, with the last message."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="error_log")
    error_type = models.CharField(max_length=64)
    message = models.CharField(max_length=500, blank=True, default="")
    count = models.PositiveIntegerField(default=0)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    timestamp = models.DateTimeField()

    class Meta:
        db_table = "campaigns_campaignerror"
        ordering = ["-timestamp"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "error_type"], name="campaign_error_type"),
        ]

    def __str__(self) -> str:
        return f"{self.error_type} ×{self.count}"


class RecipientStatusCount(models.Model):
    """How many of a campaign's recipients are in each status, kept by database triggers on
    the recipients' table (``delivery/migrations/0003``).

    Why triggers: a recipient's status is written by set-based UPDATEs all over the pipeline
    (claims, results, provider statuses, the sweeper, resets); a trigger sees every one of
    them, so the queue and stats of a million-recipient campaign read a dozen rows instead of
    counting a million. On PostgreSQL it is one statement-level trigger per statement (with
    transition tables); on SQLite, row-level.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Recipient.Status.choices)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "status"], name="recipient_count_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.status}: {self.n}"


class TrackedLink(models.Model):
    """One destination of one campaign's (or variant's) message, made at send time: the link id
    a tracked URL's token carries, so the redirect needs the token and one primary-key read.

    ``url`` is the destination as the recipient lands on it (UTM parameters added); the unique
    key is its hash, since a URL may be longer than an index entry allows.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tracked_links")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="tracked_links"
    )
    url = models.TextField()
    url_hash = models.CharField(max_length=64)
    # Where the link first appears in the message (0, 1, …) and how it is labelled there (a
    # button's text, or the part of the message it sits in), for the per-link table.
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "variant", "position", "id"]
        constraints = [
            # Two partial keys: NULL variants are never equal to each other in a plain key.
            models.UniqueConstraint(
                fields=["campaign", "url_hash"],
                condition=models.Q(variant__isnull=True),
                name="tracked_link_unique_url",
            ),
            models.UniqueConstraint(
                fields=["campaign", "variant", "url_hash"],
                condition=models.Q(variant__isnull=False),
                name="tracked_link_unique_variant_url",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class ClickHit(models.Model):
    """A hit on ``/r/<token>`` waiting for the drain (``delivery.clicks``): written by the
    redirect with one INSERT when there is no Redis, or moved here from Redis by the drain.

    ``hit_id`` is unique, so a hit moved twice from Redis (a drain stopped between the copy and
    the trim) is kept once; rows are deleted in the transaction that counts them.
    """

    hit_id = models.CharField(max_length=32, unique=True)
    link_id = models.BigIntegerField()
    recipient_id = models.BigIntegerField()
    token = models.CharField(max_length=64, default="")
    at = models.DateTimeField()
    method = models.CharField(max_length=8, default="GET")
    user_agent = models.CharField(max_length=512, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"hit {self.hit_id} on link {self.link_id}"


class LinkClick(models.Model):
    """A recipient's first human click on one link: its presence makes later clicks on the
    link not unique (the per-link unique count)."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="first_clicks")
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="+")
    clicked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "recipient"], name="link_click_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} on {self.link_id}"
