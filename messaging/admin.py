"""Staff admin for senders, whose credentials are write-only here as everywhere.

A secret is typed into an empty password box; leaving it empty keeps the stored value, and a
"clear" box removes it. Neither the list nor the form ever puts a stored secret into the page.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from .limits import tier_label
from .models import SECRET_FIELDS, RateBucket, SandboxMessage, Sender
from .services.limits import sender_limits_read_quietly
from .services.senders import api_base_url_problem

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec  # django-stubs: a fieldsets value

MAIN_FIELDS = ("account", "name", "channel", "is_active")
IDENTITY_FIELDS = (
    "phone_number_id",
    "display_phone_number",
    "from_address",
    "account_sid",
    "api_base_url",
    "rate_limit_per_second",
)
# What the Cloud API said of a WhatsApp number (``messaging.services.limits``): shown, never
# typed; the operator's own tier is ``messaging_limit``.
LIMITS_READ_FIELDS = ("limit_tier_read", "quality_rating", "limits_checked_at", "limits_error")
# Settings added to Sender later (e.g. provider options) show up without touching this module.
OTHER_FIELDS = tuple(
    f.name
    for f in Sender._meta.concrete_fields
    if f.editable
    and not f.primary_key
    and f.name
    not in {
        *MAIN_FIELDS,
        *IDENTITY_FIELDS,
        *SECRET_FIELDS,
        *LIMITS_READ_FIELDS,
        "created_at",
        "updated_at",
    }
)


def _secret_form_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for name in SECRET_FIELDS:
        model_field = Sender._meta.get_field(name)
        verbose_name = model_field.verbose_name if isinstance(model_field, models.Field) else name
        label = str(verbose_name).capitalize()
        fields[name] = forms.CharField(
            label=label,
            required=False,
            strip=True,
            widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        )
        fields[f"clear_{name}"] = forms.BooleanField(label=f"Clear {label.lower()}", required=False)
    return fields


def _https_urls(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class _SenderAdminFormBase(forms.ModelForm):
    class Meta:
        model = Sender
        formfield_callback = _https_urls
        fields = (*MAIN_FIELDS, *IDENTITY_FIELDS, *OTHER_FIELDS, *SECRET_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            stored = bool(getattr(self.instance, name, ""))
            self.fields[name].help_text = (
                "Stored; leave empty to keep it." if stored else "Not set."
            )

    def clean_api_base_url(self) -> str:
        url = self.cleaned_data.get("api_base_url") or ""
        channel = self.cleaned_data.get("channel") or self.instance.channel
        problem = api_base_url_problem(channel=channel, url=url) if url else None
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned is None:  # a clean() that returns nothing keeps cleaned_data (Django's rule)
            cleaned = self.cleaned_data
        for name in SECRET_FIELDS:
            if cleaned.get(f"clear_{name}"):
                cleaned[name] = ""
            elif not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name, "") or ""
        return cleaned


# Declared on the class (not added in __init__) so the admin's fieldsets may name them.
SenderAdminForm = type("SenderAdminForm", (_SenderAdminFormBase,), _secret_form_fields())


@admin.register(Sender)
class SenderAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = SenderAdminForm
    list_display = (
        "name",
        "channel",
        "phone_number_id",
        "display_phone_number",
        "account",
        "rate_limit_per_second",
        "credentials",
        "is_active",
    )
    list_filter = ("channel", "is_active")
    search_fields = ("name", "phone_number_id", "display_phone_number", "account__name")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    readonly_fields = (*LIMITS_READ_FIELDS, "created_at", "updated_at")
    actions = ("read_limits",)

    def get_fieldsets(self, request: HttpRequest, obj: Sender | None = None) -> "_FieldsetSpec":
        secrets = []
        for name in SECRET_FIELDS:
            secrets += [name, f"clear_{name}"]
        return (
            (None, {"fields": MAIN_FIELDS}),
            ("Identity", {"fields": IDENTITY_FIELDS + OTHER_FIELDS}),
            ("Read from WhatsApp", {"fields": LIMITS_READ_FIELDS}),
            ("Credentials (write-only)", {"fields": tuple(secrets)}),
            ("History", {"fields": ("created_at", "updated_at")}),
        )

    @admin.display(description="credentials set")
    def credentials(self, obj: Sender) -> str:
        """Names of the secrets that are set, never their values."""
        names = [name.replace("_", " ") for name in SECRET_FIELDS if getattr(obj, name)]
        return ", ".join(names) or "-"

    @admin.action(description="Read tier and quality from WhatsApp")
    def read_limits(self, request: HttpRequest, queryset: QuerySet[Sender]) -> None:
        """Ask the Cloud API now for each selected WhatsApp sender; others are skipped."""
        read, failed, skipped = [], [], 0
        for sender in queryset.order_by("pk"):
            if sender.channel != Sender.Channel.WHATSAPP:
                skipped += 1
                continue
            sender_limits_read_quietly(sender)
            if sender.limits_error:
                failed.append(f"{sender.name}: {sender.limits_error}")
            else:
                read.append(f"{sender.name}: {tier_label(sender.limit_tier_read)}")
        if read:
            self.message_user(request, "Read. " + "; ".join(read), messages.SUCCESS)
        if failed:
            self.message_user(request, "Not read. " + "; ".join(failed), messages.ERROR)
        if skipped:
            self.message_user(
                request,
                f"{skipped} sender(s) skipped: only WhatsApp senders have a tier to read.",
                messages.WARNING,
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(SandboxMessage)
class SandboxMessageAdmin(ReadOnlyAdmin):
    """What the sandbox provider 'sent'; its body may hold personal data, so it is only read."""

    list_display = ("created_at", "to", "provider_message_id", "sender", "account")
    search_fields = ("=provider_message_id", "^to")
    list_filter = ("sender__channel",)
    list_select_related = ("sender", "account")
    show_full_result_count = False


@admin.register(RateBucket)
class RateBucketAdmin(ReadOnlyAdmin):
    """The database fallback of the rate limiter: shown to explain pacing, never edited."""

    list_display = ("key", "tat")
    search_fields = ("key",)
