"""Staff admin for message templates.

The status is never a form field: approval comes from the provider or from an owner or
manager of the template's account. The approve and reject actions go through the same
``template_review`` as the page and the API, for staff who hold that role in the account
(or superusers, who run the installation); a content edit of an approved template sends it
back to pending, as the editor does.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import Membership
from core import urlguard
from core.errors import ApplicationError
from templates_app.services import content_edit_status, template_review

from .models import MessageTemplate, TemplateReview


class TemplateReviewInline(admin.TabularInline):
    model = TemplateReview
    extra = 0
    can_delete = False
    fields = ("decision", "actor_name", "note", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: MessageTemplate | None = None) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: MessageTemplate | None = None
    ) -> bool:
        return False


def _may_review(request: HttpRequest, template: MessageTemplate) -> bool:
    user = request.user
    if not user.is_authenticated:  # never in the admin (staff only); said for the type checker
        return False
    if user.is_superuser:
        return True
    membership = Membership.objects.filter(user=user, account=template.account_id).first()
    return membership is not None and membership.can("approve")


class MessageTemplateAdminForm(urlguard.MessageURLsFormMixin, forms.ModelForm):
    message_url_fields = {"buttons": "buttons"}


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateAdminForm
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https", "validators": [urlguard.validate_url]}
    }
    list_display = ("name", "language", "category", "status", "account", "updated_at")
    list_filter = ("status", "category", "language")
    search_fields = ("name", "body", "account__name")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = (TemplateReviewInline,)
    actions = ("approve", "reject")
    fieldsets = (
        (None, {"fields": ("account", "name", "language", "category", "status")}),
        (
            "Content",
            {"fields": ("header_type", "header_text", "header_media_url", "body", "footer")},
        ),
        ("Buttons and variables", {"fields": ("buttons", "variables")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    def save_model(
        self, request: HttpRequest, obj: MessageTemplate, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            status = content_edit_status(template=obj, changed_fields=form.changed_data)
            if status != obj.status:
                obj.status = status
                self.message_user(
                    request,
                    f"“{obj.name}” changed, so it is pending approval again.",
                    level=messages.WARNING,
                )
        super().save_model(request, obj, form, change)

    def _review(
        self, request: HttpRequest, queryset: QuerySet[MessageTemplate], decision: str
    ) -> None:
        user = request.user if request.user.is_authenticated else None  # staff, signed in
        done, refused = 0, []
        for template in queryset.select_related("account"):
            if not _may_review(request, template):
                refused.append(
                    f"“{template.name}”: only an owner or manager of {template.account} may "
                    "approve or reject it"
                )
                continue
            try:
                template_review(
                    template=template,
                    decision=decision,
                    actor=user,
                    actor_name=f"{request.user.get_username()} (admin)",
                )
            except ApplicationError as exc:
                refused.append(f"“{template.name}”: {exc.message}")
            else:
                done += 1
        if done:
            self.message_user(request, f"{decision.capitalize()}: {done} template(s).")
        for reason in refused:
            self.message_user(request, f"Not changed: {reason}", level=messages.ERROR)

    @admin.action(description="Approve selected templates")
    def approve(self, request: HttpRequest, queryset: QuerySet[MessageTemplate]) -> None:
        self._review(request, queryset, TemplateReview.Decision.APPROVED)

    @admin.action(description="Reject selected templates")
    def reject(self, request: HttpRequest, queryset: QuerySet[MessageTemplate]) -> None:
        self._review(request, queryset, TemplateReview.Decision.REJECTED)
