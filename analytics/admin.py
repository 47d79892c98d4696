"""Events are append-only facts: staff can read and filter them, never add, edit or delete.
Conversions likewise (their counts live in the campaign's counters and the rollups); the
message price table is the accounts' own to edit, here as on its page."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Conversion, Event, Export, MessagePrice


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "type", "campaign", "contact", "revenue", "account")
    list_filter = ("type", "campaign__type")
    search_fields = ("=campaign__name",)
    list_select_related = ("account", "campaign", "contact")
    raw_id_fields = ("account", "campaign", "recipient", "contact")
    show_full_result_count = False
    # No date_hierarchy: its DISTINCT over dates would scan every event on each page view.
    ordering = ("-occurred_at", "-id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Exports are started from the analytics page or the API; staff follow them, read-only.
    The files are private (no URL): shown by their stored name, never as links."""

    list_display = (
        "id",
        "kind",
        "status",
        "campaign",
        "account",
        "rows_done",
        "rows_total",
        "created_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("=campaign__name", "account__name")
    list_select_related = ("account", "campaign", "created_by")
    raw_id_fields = ("account", "campaign", "created_by")
    exclude = ("file",)
    readonly_fields = ("stored_file",)

    @admin.display(description="file (private)")
    def stored_file(self, obj: Export) -> str:
        return obj.file.name or "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Export | None = None) -> bool:
        return False


@admin.register(Conversion)
class ConversionAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_at",
        "event",
        "value",
        "currency",
        "attribution",
        "campaign",
        "account",
    )
    list_filter = ("attribution", "event")
    search_fields = ("=order_id", "=campaign__name")
    list_select_related = ("account", "campaign")
    raw_id_fields = ("account", "campaign", "recipient", "contact")
    show_full_result_count = False
    ordering = ("-occurred_at", "-id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Conversion | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Conversion | None = None) -> bool:
        return False


@admin.register(MessagePrice)
class MessagePriceAdmin(admin.ModelAdmin):
    list_display = ("account", "channel", "category", "country", "price")
    list_filter = ("channel", "category")
    list_editable = ("price",)
    search_fields = ("=country", "account__name", "account__slug")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
