"""Staff admin for campaigns and their parts.

Status never changes through a form field here: it is read-only, and the pause, resume,
duplicate, delete and restore actions call the lifecycle service, so the admin obeys the same
transition rules and leaves the same history as the pages and the API. A refused move is reported
per campaign; the rest of the selection still goes through.

Campaigns are soft-deleted only (the hard delete is switched off): a campaign's recipients,
events and history are what its reports are made of.
"""

from typing import Protocol, cast

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html

from accounts.admin import SameAccountForm
from core import urlguard
from core.errors import ApplicationError
from delivery import control
from delivery.models import CampaignError

from .lifecycle import Actor
from .models import (
    AutomationTrigger,
    Campaign,
    CampaignActivity,
    CampaignQuerySet,
    TestContact,
    Variant,
    WorkflowStep,
)
from .services import reach, transitions

STAT_FIELDS = (
    "total_recipients",
    "total_sent",
    "total_delivered",
    "total_failed",
    "total_opened",
    "total_clicked",
    "total_converted",
    "estimated_revenue",
    "delivery_rate_display",
    "open_rate_display",
    "click_rate_display",
    "conversion_rate_display",
)


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> tuple[tuple[str, str], ...]:
        return (("no", "Not deleted"), ("yes", "Deleted"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
        # Used by CampaignAdmin alone, whose changelist starts from Campaign.objects.
        campaigns = cast(CampaignQuerySet, queryset)
        if self.value() == "no":
            return campaigns.alive()
        if self.value() == "yes":
            return campaigns.deleted()
        return campaigns


class ReadOnlyInline(admin.TabularInline):
    """Rows the pipeline writes (error log, history): shown, never edited from the admin."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return False


class MessageLinksForm(urlguard.MessageURLsFormMixin, forms.ModelForm):
    message_url_fields = {"message": "message"}


class CampaignAdminForm(urlguard.MessageURLsFormMixin, SameAccountForm):
    message_url_fields = {"media_urls": "media", "buttons": "buttons"}


class VariantInline(admin.TabularInline):
    form = MessageLinksForm
    model = Variant
    extra = 0
    fields = ("key", "name", "split_percentage", "message", "is_winner")


class AutomationTriggerInline(admin.TabularInline):
    model = AutomationTrigger
    extra = 0
    fields = ("type", "condition")


class WorkflowStepInline(admin.TabularInline):
    form = MessageLinksForm
    model = WorkflowStep
    extra = 0
    fields = ("position", "step_id", "delay_hours", "message", "conditions")
    ordering = ("position",)


class CampaignErrorInline(ReadOnlyInline):
    model = CampaignError
    fields = readonly_fields = ("error_type", "count", "message", "first_seen_at", "timestamp")


class CampaignActivityInline(ReadOnlyInline):
    model = CampaignActivity
    fields = readonly_fields = ("created_at", "action", "actor", "detail")
    verbose_name_plural = "history"


def _rate(value: float) -> str:
    return f"{value:.2f} %"


class _CampaignService(Protocol):
    """A lifecycle service as the admin's actions call it, one campaign at a time."""

    def __call__(self, *, campaign: Campaign, actor: Actor = None) -> Campaign: ...


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https", "validators": [urlguard.validate_url]}
    }
    list_display = (
        "name",
        "account",
        "type",
        "status",
        "total_recipients",
        "total_sent",
        "delivery_rate_display",
        "start_date",
        "created_at",
        "is_deleted_display",
    )
    list_filter = ("status", "type", DeletedFilter, "audience_type", "message_type", "account")
    search_fields = ("name", "description", "account__name", "account__slug")
    date_hierarchy = "created_at"
    list_select_related = ("account", "sender")
    autocomplete_fields = (
        "account",
        "sender",
        "template",
        "segments",
        "exclude_segments",
        "created_by",
    )
    readonly_fields = (
        "status",
        "paused_from",
        "status_reason",
        "estimated_reach",
        *STAT_FIELDS,
        "started_at",
        "completed_at",
        "deleted_at",
        "created_at",
        "updated_at",
    )
    actions = (
        "pause",
        "resume",
        "send_now",
        "unschedule",
        "cancel",
        "duplicate",
        "soft_delete",
        "restore",
    )
    inlines = (
        VariantInline,
        AutomationTriggerInline,
        WorkflowStepInline,
        CampaignErrorInline,
        CampaignActivityInline,
    )
    fieldsets = (
        (None, {"fields": ("account", "name", "description", "type", "sender", "created_by")}),
        (
            "Status",
            {"fields": ("status", "paused_from", "status_reason", "started_at", "completed_at")},
        ),
        (
            "Audience",
            {
                "fields": (
                    "audience_type",
                    "segments",
                    "custom_filters",
                    "exclude_unsubscribed",
                    "exclude_segments",
                    "exclude_suppressed",
                    "frequency_cap_hours",
                    "estimated_reach",
                )
            },
        ),
        (
            "Message",
            {
                "fields": (
                    "message_type",
                    "subject",
                    "message_content",
                    "template",
                    "message_variables",
                    "media_urls",
                    "buttons",
                    "personalization",
                )
            },
        ),
        (
            "Scheduling",
            {
                "fields": (
                    "send_now",
                    "start_date",
                    "end_date",
                    "timezone",
                    "frequency",
                    "delivery_time",
                    "local_time_delivery",
                    "quiet_hours_start",
                    "quiet_hours_end",
                )
            },
        ),
        ("A/B test", {"fields": ("ab_enabled", "winner_criteria")}),
        ("Automation", {"fields": ("automation_enabled",)}),
        ("Stats", {"fields": STAT_FIELDS}),
        (
            "Tracking",
            {
                "fields": (
                    "track_links",
                    "utm_source",
                    "utm_medium",
                    "utm_campaign",
                    "tracking_url",
                    "webhook_url",
                )
            },
        ),
        ("History", {"fields": ("deleted_at", "created_at", "updated_at")}),
    )

    # -- columns ---------------------------------------------------------------------------

    @admin.display(description="deleted", boolean=True, ordering="deleted_at")
    def is_deleted_display(self, obj: Campaign) -> bool:
        return obj.is_deleted

    @admin.display(description="delivery rate")
    def delivery_rate_display(self, obj: Campaign) -> str:
        return _rate(obj.delivery_rate)

    @admin.display(description="open rate")
    def open_rate_display(self, obj: Campaign) -> str:
        return _rate(obj.open_rate)

    @admin.display(description="click rate")
    def click_rate_display(self, obj: Campaign) -> str:
        return _rate(obj.click_rate)

    @admin.display(description="conversion rate")
    def conversion_rate_display(self, obj: Campaign) -> str:
        return _rate(obj.conversion_rate)

    def save_related(
        self,
        request: HttpRequest,
        form: CampaignAdminForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        # The segments are saved here, after the campaign: only now can the audience be counted.
        super().save_related(request, form, formsets, change)
        reach.reach_after_edit(
            campaign=form.instance, changed=form.changed_data, creating=not change
        )

    # -- permissions -----------------------------------------------------------------------

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return False

    # -- actions ---------------------------------------------------------------------------

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[Campaign],
        service: _CampaignService,
        done: str,
    ) -> None:
        """Run ``service`` per campaign; report each refusal with the lifecycle's own message."""
        succeeded = 0
        for campaign in queryset.select_related("account"):
            try:
                service(campaign=campaign, actor=request.user)
            except ApplicationError as exc:
                self.message_user(
                    request, format_html("“{}”: {}", campaign.name, exc.message), messages.ERROR
                )
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{done} {succeeded} campaign(s).", messages.SUCCESS)

    @admin.action(description="Pause selected campaigns")
    def pause(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._apply(request, queryset, control.campaign_pause, "Paused")

    @admin.action(description="Resume selected campaigns")
    def resume(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._apply(request, queryset, control.campaign_resume, "Resumed")

    @admin.action(description="Send selected scheduled campaigns now")
    def send_now(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._apply(request, queryset, control.campaign_send_now, "Started")

    @admin.action(description="Move selected scheduled campaigns back to draft")
    def unschedule(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._apply(request, queryset, control.campaign_unschedule, "Moved back to draft")

    @admin.action(description="Cancel sending of selected campaigns (the rest is skipped)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._apply(request, queryset, control.campaign_cancel, "Cancelled")

    @admin.action(description="Duplicate selected campaigns as drafts")
    def duplicate(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._apply(request, queryset, transitions.campaign_duplicate, "Duplicated")

    @admin.action(description="Delete selected campaigns (soft, can be restored)")
    def soft_delete(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._apply(request, queryset, transitions.campaign_delete, "Deleted")

    @admin.action(description="Restore selected deleted campaigns")
    def restore(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._apply(request, queryset, transitions.campaign_restore, "Restored")


@admin.register(CampaignActivity)
class CampaignActivityAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "campaign", "actor")
    list_filter = ("action",)
    search_fields = ("campaign__name", "actor__username")
    list_select_related = ("campaign", "actor")
    raw_id_fields = ("campaign", "actor")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: CampaignActivity | None = None
    ) -> bool:
        return False


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("campaign", "key", "name", "split_percentage", "is_winner")
    list_filter = ("is_winner",)
    search_fields = ("name", "campaign__name")
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign",)


@admin.register(WorkflowStep)
class WorkflowStepAdmin(admin.ModelAdmin):
    list_display = ("campaign", "position", "step_id", "delay_hours")
    search_fields = ("step_id", "campaign__name")
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign",)


@admin.register(AutomationTrigger)
class AutomationTriggerAdmin(admin.ModelAdmin):
    list_display = ("campaign", "type", "created_at")
    list_filter = ("type",)
    search_fields = ("campaign__name",)
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign",)


@admin.register(TestContact)
class TestContactAdmin(admin.ModelAdmin):
    form = SameAccountForm
    list_display = ("contact", "account", "created_at")
    search_fields = ("contact__phone", "contact__email", "account__name")
    list_select_related = ("contact", "account")
    autocomplete_fields = ("account",)
    raw_id_fields = ("contact",)
