from django.conf import settings
from django.db import models

from accounts.models import Account
from core.models import AccountScopedManager, TimeStampedModel


class MessageTemplate(TimeStampedModel):
    """A WhatsApp-style message template that ``Campaign.message.templateId`` points to."""

    class Category(models.TextChoices):
        MARKETING = "marketing", "Marketing"
        UTILITY = "utility", "Utility"
        AUTHENTICATION = "authentication", "Authentication"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class HeaderType(models.TextChoices):
        NONE = "none", "None"
        TEXT = "text", "Text"
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"
        DOCUMENT = "document", "Document"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(max_length=512)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.MARKETING)
    language = models.CharField(max_length=15, default="en")
    header_type = models.CharField(max_length=16, choices=HeaderType.choices, default="none")
    header_text = models.CharField(max_length=60, blank=True, default="")
    header_media_url = models.URLField(blank=True, default="")
    body = models.TextField(max_length=1024)
    footer = models.CharField(max_length=60, blank=True, default="")
    # [{"type": "url"|"call"|"quickreply", "text": ..., "value": ...}]
    buttons = models.JSONField(default=list, blank=True)
    # [{"name": "1" or "first_name", "example": "Ada"}]
    variables = models.JSONField(default=list, blank=True)
    # Approved and rejected are set only by a review (``template_review``), never by an edit.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name", "language"], name="template_unique_name_language"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="template_acct_status"),
            models.Index(fields=["account", "category"], name="template_acct_category"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class TemplateReview(models.Model):
    """One approval or rejection of a template: who decided, when, and why.

    Kept as rows (never edited) so the template's approval history survives later edits and
    reviews; the template's ``status`` is the latest decision.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(MessageTemplate, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who decided, as shown: a username, or the API key's name (kept if the user is deleted).
    actor_name = models.CharField(max_length=200)
    note = models.TextField(blank=True, default="", max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} {self.decision} by {self.actor_name}"
