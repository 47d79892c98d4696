"""Reads of a campaign's delivery: the stats object, queue counts, recipients, breakdowns.

Every function takes an already account-scoped campaign (``campaign_get``) or an account, and
answers with a fixed number of grouped queries whatever the audience size.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Account
from analytics.models import Event
from campaigns.models import Campaign
from delivery import ports
from delivery.models import CampaignError, Recipient, RecipientStatusCount, SendBatch
from delivery.states import SENT_LIKE

S = Recipient.Status


class QueueNumbers(TypedDict):
    """What the queue pages show of a campaign or an account; camelCase like the API."""

    pending: int
    queued: int
    inFlight: int
    retrying: int
    failed: int
    sent: int
    skipped: int
    uncertain: int
    remaining: int
    total: int
    progress: float
    ratePerMinute: int
    etaSeconds: int | None


class CampaignQueue(QueueNumbers):
    batchesOpen: int


class CampaignQueueRow(QueueNumbers):
    campaign: Campaign


class AccountQueue(QueueNumbers):
    campaigns: list[CampaignQueueRow]


class ErrorLogEntry(TypedDict):
    timestamp: dt.datetime
    errorType: str
    message: str
    count: int


class CampaignStats(TypedDict):
    """The spec's stats object (``CampaignStatsOut``) with the queue and the error log."""

    totalRecipients: int
    totalSent: int
    totalDelivered: int
    totalFailed: int
    totalOpened: int
    totalClicked: int
    totalConverted: int
    deliveryRate: float
    openRate: float
    clickRate: float
    conversionRate: float
    estimatedRevenue: float
    cost: float
    revenue: float
    roi: float | None
    revenuePerRecipient: float | None
    currency: str
    status: str
    statusReason: str
    queue: dict[str, int]
    errorLog: list[ErrorLogEntry]


def status_counts(campaign: Campaign | int) -> dict[str, int]:
    """How many of the campaign's recipients are in each status, from the counts the
    database keeps (``RecipientStatusCount``): a dozen rows at any size."""
    counts = dict.fromkeys(S.values, 0)
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    for status, n in RecipientStatusCount.objects.filter(campaign_id=campaign_id).values_list(
        "status", "n"
    ):
        counts[status] = n
    return counts


def queue_numbers(counts: dict[str, int], *, rate_per_minute: int) -> QueueNumbers:
    """Queue-page figures from status counts: what waits, what flies, how fast, how long."""
    remaining = sum(counts[s] for s in (S.PENDING, S.QUEUED, S.SENDING, S.RETRY_SCHEDULED))
    done = sum(counts[s] for s in (*SENT_LIKE, S.FAILED, S.SKIPPED, S.UNCERTAIN))
    total = remaining + done
    eta = round(remaining * 60 / rate_per_minute) if rate_per_minute and remaining else None
    return {
        "pending": counts[S.PENDING],
        "queued": counts[S.QUEUED],
        "inFlight": counts[S.SENDING],
        "retrying": counts[S.RETRY_SCHEDULED],
        "failed": counts[S.FAILED],
        "sent": sum(counts[s] for s in SENT_LIKE),
        "skipped": counts[S.SKIPPED],
        "uncertain": counts[S.UNCERTAIN],
        "remaining": remaining,
        "total": total,
        "progress": round(100.0 * done / total, 1) if total else 0.0,
        "ratePerMinute": rate_per_minute,
        "etaSeconds": eta,
    }


def sent_last_minute(
    *,
    account: Account | None = None,
    campaign: Campaign | None = None,
    now: dt.datetime | None = None,
) -> int:
    since = (now or timezone.now()) - dt.timedelta(minutes=1)
    qs = Event.objects.filter(type=Event.Type.SENT, occurred_at__gte=since)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    else:
        qs = qs.filter(account=account)
    return qs.count()


def campaign_queue(*, campaign: Campaign) -> CampaignQueue:
    counts = status_counts(campaign)
    numbers = queue_numbers(counts, rate_per_minute=sent_last_minute(campaign=campaign))
    return CampaignQueue(
        **numbers,
        batchesOpen=SendBatch.objects.filter(campaign=campaign)
        .exclude(status=SendBatch.Status.DONE)
        .count(),
    )


def account_queue(*, account: Account) -> AccountQueue:
    """The account's queue across its live campaigns, with one row per campaign."""
    live = Campaign.objects.for_account(account).filter(
        status__in=[Campaign.Status.RUNNING, Campaign.Status.PAUSED, Campaign.Status.SCHEDULED]
    )
    rows: dict[int, dict[str, int]] = {}
    per_campaign = RecipientStatusCount.objects.filter(campaign__in=live).values_list(
        "campaign_id", "status", "n"
    )
    for campaign_id, status, n in per_campaign:
        rows.setdefault(campaign_id, dict.fromkeys(S.values, 0))[status] = n
    rates = dict(
        Event.objects.filter(
            campaign__in=live,
            type=Event.Type.SENT,
            occurred_at__gte=timezone.now() - dt.timedelta(minutes=1),
        )
        .order_by()
        .values_list("campaign_id")
        .annotate(n=Count("id"))
    )
    campaigns: list[CampaignQueueRow] = []
    totals = dict.fromkeys(S.values, 0)
    for campaign in live.order_by("-started_at", "-id"):
        counts = rows.get(campaign.pk, dict.fromkeys(S.values, 0))
        for s, n in counts.items():
            totals[s] += n
        campaigns.append(
            CampaignQueueRow(
                campaign=campaign,
                **queue_numbers(counts, rate_per_minute=rates.get(campaign.pk, 0)),
            )
        )
    return AccountQueue(
        campaigns=campaigns,
        **queue_numbers(totals, rate_per_minute=sum(rates.values())),
    )


def campaign_stats(*, campaign: Campaign) -> CampaignStats:
    """The spec's stats object, plus the recipient queue by status."""
    counts = status_counts(campaign)
    return {
        "totalRecipients": campaign.total_recipients,
        "totalSent": campaign.total_sent,
        "totalDelivered": campaign.total_delivered,
        "totalFailed": campaign.total_failed,
        "totalOpened": campaign.total_opened,
        "totalClicked": campaign.total_clicked,
        "totalConverted": campaign.total_converted,
        "deliveryRate": campaign.delivery_rate,
        "openRate": campaign.open_rate,
        "clickRate": campaign.click_rate,
        "conversionRate": campaign.conversion_rate,
        "estimatedRevenue": float(campaign.estimated_revenue),
        **ports.campaign_money.get()(campaign),
        "status": campaign.status,
        "statusReason": campaign.status_reason,
        "queue": counts,
        "errorLog": [
            {
                "timestamp": e.timestamp,
                "errorType": e.error_type,
                "message": e.message,
                "count": e.count,
            }
            for e in CampaignError.objects.filter(campaign=campaign)
        ],
    }


def recipients_list(*, campaign: Campaign, status: str = "") -> QuerySet[Recipient]:
    """The campaign's recipients in id order, optionally of one status, with what their rows
    show (contact, variant)."""
    qs = Recipient.objects.filter(campaign=campaign).select_related("contact", "variant")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("id")


def recipients_page(
    *, campaign: Campaign, status: str = "", page: int = 1, page_size: int = 50
) -> tuple[int, list[Recipient]]:
    qs = recipients_list(campaign=campaign, status=status)
    total = qs.count()
    start = (page - 1) * page_size
    return total, list(qs.order_by("id")[start : start + page_size])


class RecipientBreakdowns(TypedDict):
    """Rows are ``values()`` rows keyed by the figures' names (``sent``, ``delivered``, …)
    beside the variant or country."""

    byVariant: list[dict[str, Any]]
    byCountry: list[dict[str, Any]]
    byStatus: dict[str, int]


def recipient_breakdowns(*, campaign: Campaign) -> RecipientBreakdowns:
    """The campaign's recipients counted by variant, by country and by status."""
    recipients = Recipient.objects.filter(campaign=campaign).order_by()
    breakdown = {
        "sent": Count("id", filter=Q(status__in=SENT_LIKE)),
        "delivered": Count("id", filter=Q(status__in=(S.DELIVERED, S.READ))),
        "read": Count("id", filter=Q(status=S.READ)),
        "failed": Count("id", filter=Q(status=S.FAILED)),
        "clicked": Count("id", filter=Q(clicked_at__isnull=False)),
        "converted": Count("id", filter=Q(converted_at__isnull=False)),
        "total": Count("id"),
    }
    by_variant = []
    for variant_values in (
        recipients.values("variant__key", "variant__name")
        .annotate(**breakdown)
        .order_by("variant__key")
    ):
        row: dict[str, Any] = dict(variant_values)
        by_variant.append(
            {
                "variant": row.pop("variant__key") or "",
                "name": row.pop("variant__name") or "",
                **row,
            }
        )
    by_country = []
    for country_values in (
        recipients.values("contact__country").annotate(**breakdown).order_by("contact__country")
    ):
        row = dict(country_values)
        by_country.append({"country": row.pop("contact__country") or "", **row})
    return {
        "byVariant": by_variant,
        "byCountry": by_country,
        "byStatus": status_counts(campaign),
    }
