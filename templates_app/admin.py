from django import forms
from django.contrib import admin
from django.db import models

from core import urlguard

from .models import MessageTemplate


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
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("account", "name", "language", "category", "status")}),
        (
            "Content",
            {"fields": ("header_type", "header_text", "header_media_url", "body", "footer")},
        ),
        ("Buttons and variables", {"fields": ("buttons", "variables")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )
