"""Staff admin for contacts and everything that selects or excludes them.

Contacts can number in the millions: the changelist skips the full count, has no date drill-down
(its DISTINCT over dates would scan the table) and picks tags and accounts by autocomplete.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin import SameAccountForm

from . import ports
from .models import AttributeDefinition, Contact, ImportJob, Segment, SuppressionEntry, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "created_at")
    search_fields = ("name",)
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "type", "account", "created_at")
    list_filter = ("type",)
    search_fields = ("key", "label", "account__name")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    form = SameAccountForm
    list_display = (
        "phone",
        "full_name",
        "email",
        "country",
        "timezone",
        "subscribed",
        "account",
        "created_at",
    )
    list_filter = ("subscribed", "country")
    search_fields = ("^phone", "^email", "first_name", "last_name")
    list_select_related = ("account",)
    autocomplete_fields = ("account", "tags")
    readonly_fields = (
        "unsubscribed_at",
        "email_opted_out_at",
        "email_bounced_at",
        "email_bounce_reason",
        "created_at",
        "updated_at",
    )
    show_full_result_count = False
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("account", "phone", "email", "first_name", "last_name")}),
        ("Location", {"fields": ("country", "timezone")}),
        ("Profile", {"fields": ("attributes", "tags")}),
        (
            "Consent",
            {
                "fields": (
                    "subscribed",
                    "unsubscribed_at",
                    "email_opted_out_at",
                    "email_bounced_at",
                    "email_bounce_reason",
                )
            },
        ),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Tags given here are added like anywhere else: ``ports.tags_added`` hears of the new
        ones (the form's m2m save bypasses the contacts service)."""
        contact = form.instance
        before = set(contact.tags.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        new = sorted(set(contact.tags.values_list("pk", flat=True)) - before)
        if new:
            ports.tags_added.send(
                sender=Contact, account=contact.account, pairs=[(contact.pk, t) for t in new]
            )

    @admin.display(description="name", ordering="last_name")
    def full_name(self, obj: Contact) -> str:
        return obj.full_name


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "contact_count", "counted_at", "created_by", "updated_at")
    search_fields = ("name", "description", "account__name")
    list_select_related = ("account", "created_by")
    autocomplete_fields = ("account", "created_by")
    readonly_fields = ("contact_count", "counted_at", "created_at", "updated_at")


@admin.register(SuppressionEntry)
class SuppressionEntryAdmin(admin.ModelAdmin):
    list_display = ("phone", "email", "reason", "account", "created_at")
    search_fields = ("^phone", "^email", "reason")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    readonly_fields = ("created_at", "updated_at")
    show_full_result_count = False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are started from the contacts page or the API; here staff follow them, read-only."""

    list_display = (
        "id",
        "original_name",
        "account",
        "status",
        "processed",
        "imported",
        "updated",
        "failed",
        "created_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("status",)
    search_fields = ("original_name", "account__name")
    list_select_related = ("account", "created_by")
    date_hierarchy = "created_at"
    # The files are private (no URL): shown by their stored name, never as links.
    exclude = ("file", "error_file")
    readonly_fields = ("stored_file", "stored_error_file")

    @admin.display(description="file (private)")
    def stored_file(self, obj: ImportJob) -> str | None:
        return obj.file.name

    @admin.display(description="rejected rows (private)")
    def stored_error_file(self, obj: ImportJob) -> str:
        return obj.error_file.name or "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False
