from django.db import models

from accounts.models import Account
from core.events import EventType
from core.models import AccountScopedManager


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
