from decimal import Decimal

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
