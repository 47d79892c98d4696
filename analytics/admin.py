"""Events are append-only facts: staff can read and filter them, never add, edit or delete."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Event


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
