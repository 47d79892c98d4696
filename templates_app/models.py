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
