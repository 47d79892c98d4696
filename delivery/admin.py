"""Staff admin for what the send pipeline owns: recipients, batches, the error log and the
tracked links.

All three are written by the pipeline alone; staff read them (a stuck batch, a recipient's
provider error), they do not edit them.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin import SameAccountForm

from .models import CampaignError, Recipient, SendBatch, TrackedLink


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    """Millions of rows: exact-match search on indexed columns, no full count, no date drill."""

    form = SameAccountForm

    list_display = (
        "id",
        "campaign",
        "contact",
        "variant",
        "status",
        "send_at",
        "sent_at",
        "delivered_at",
        "attempts",
        "error_code",
        "error_title",
    )
    list_filter = ("status", "campaign__type", "campaign__status")
    search_fields = ("=provider_message_id",)
    search_help_text = (
        "A number finds a campaign's or contact's id; other text finds a provider message id or "
        "an E.164 phone."
    )
    list_select_related = ("campaign", "contact", "variant")
    raw_id_fields = ("account", "campaign", "contact", "variant")
    readonly_fields = ("created_at",)
    show_full_result_count = False
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Recipient], search_term: str
    ) -> tuple[QuerySet[Recipient], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit():
            return queryset.filter(campaign_id=int(term)) | queryset.filter(
                contact_id=int(term)
            ), False
        return queryset.filter(provider_message_id=term) | queryset.filter(
            contact__phone=term
        ), False


@admin.register(CampaignError)
class CampaignErrorAdmin(admin.ModelAdmin):
    list_display = ("error_type", "campaign", "count", "message", "timestamp")
    search_fields = ("error_type", "message", "campaign__name")
    list_select_related = ("campaign",)
    raw_id_fields = ("campaign",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CampaignError | None = None) -> bool:
        return False


@admin.register(SendBatch)
class SendBatchAdmin(admin.ModelAdmin):
    """The pipeline's own bookkeeping: read-only, so staff can see a stuck batch, not edit it."""

    list_display = (
        "id",
        "campaign",
        "status",
        "size",
        "enqueue_count",
        "enqueued_at",
        "started_at",
        "finished_at",
    )
    list_filter = ("status",)
    search_fields = ("=campaign__id",)
    list_select_related = ("campaign",)
    raw_id_fields = ("campaign",)
    show_full_result_count = False
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SendBatch | None = None) -> bool:
        return False


@admin.register(TrackedLink)
class TrackedLinkAdmin(admin.ModelAdmin):
    """The destinations a send made trackable: read-only, since every token sent names one."""

    list_display = ("id", "campaign", "variant", "position", "label", "url", "created_at")
    search_fields = ("=campaign__id", "url")
    list_select_related = ("campaign", "variant")
    raw_id_fields = ("campaign", "variant")
    show_full_result_count = False
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TrackedLink | None = None) -> bool:
        return False
