"""Staff admin for tenants, their members and API keys.

API keys are created through ``api_key_create`` so the admin never sees more than the prefix of a
stored key: the raw key is shown once, in a message, right after it is made.
"""

from typing import TYPE_CHECKING, Any

from axes.utils import reset as axes_reset
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from .models import Account, ApiKey, Membership
from .services import account_setup, api_key_create, api_key_revoke


class SameAccountForm(forms.ModelForm):
    """Refuses links to another tenant's rows: a staff form must not mix accounts either.

    Every chosen related row that has an ``account`` (a tag, segment, sender, contact, ...) must
    belong to the account of the row being saved.
    """

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned is None:  # a clean() that returns nothing keeps cleaned_data (Django's rule)
            cleaned = self.cleaned_data
        account_id = cleaned["account"].pk if cleaned.get("account") else None
        if account_id is None:
            account_id = getattr(self.instance, "account_id", None)
        if account_id is None:
            return cleaned
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None or name == "account" or name not in cleaned:
                continue
            if not any(f.name == "account" for f in queryset.model._meta.concrete_fields):
                continue
            value = cleaned[name]
            chosen = value if isinstance(field, forms.ModelMultipleChoiceField) else [value]
            strangers = [str(obj) for obj in chosen if obj and obj.account_id != account_id]
            if strangers:
                self.add_error(name, f"Belongs to another account: {', '.join(strangers)}.")
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "timezone",
        "currency",
        "default_phone_region",
        "click_window_days",
        "delivery_window_days",
        "created_at",
    )
    search_fields = ("name", "slug")
    list_filter = ("currency",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (MembershipInline,)

    def save_model(self, request: HttpRequest, obj: Account, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            account_setup(account=obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "account", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "account__name", "account__slug")
    list_select_related = ("user", "account")
    autocomplete_fields = ("user", "account")
    readonly_fields = ("created_at", "updated_at")


class RevokedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> tuple[tuple[str, str], ...]:
        return (("active", "Active"), ("revoked", "Revoked"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> QuerySet[ApiKey]:
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class ApiKeyAddForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("account", "name", "role")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "account",
        "prefix_display",
        "role",
        "is_active_display",
        "last_used_at",
        "created_by",
        "created_at",
    )
    list_filter = (RevokedFilter, "role")
    search_fields = ("name", "prefix", "account__name", "account__slug")
    list_select_related = ("account", "created_by")
    autocomplete_fields = ("account",)
    date_hierarchy = "created_at"
    actions = ("revoke",)
    # key_hash is never a form field: it is neither editable nor shown anywhere.
    fields = (
        "account",
        "name",
        "role",
        "prefix_display",
        "created_by",
        "last_used_at",
        "revoked_at",
        "created_at",
    )
    readonly_fields = ("prefix_display", "created_by", "last_used_at", "revoked_at", "created_at")

    def get_form(
        self, request: HttpRequest, obj: ApiKey | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("account", "name", "role")
        return self.fields

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiKey | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        # A key stays in its account: moving it would hand one tenant's access to another.
        return ("account", *self.readonly_fields)

    @admin.display(description="key", ordering="prefix")
    def prefix_display(self, obj: ApiKey) -> str:
        return format_html("<code>{}…</code>", obj.prefix) if obj.prefix else "-"

    @admin.display(description="active", boolean=True, ordering="revoked_at")
    def is_active_display(self, obj: ApiKey) -> bool:
        return obj.is_active

    def save_model(
        self, request: HttpRequest, obj: ApiKey, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        user = request.user if request.user.is_authenticated else None  # staff, signed in
        key, raw = api_key_create(
            account=obj.account, name=obj.name, role=obj.role, created_by=user
        )
        # The admin goes on with ``obj`` (history, redirect): make it the stored key.
        obj.__dict__.update({f.attname: getattr(key, f.attname) for f in ApiKey._meta.fields})
        obj._state.adding = False
        obj._state.db = key._state.db
        self.message_user(
            request,
            format_html(
                "The new API key for {} is <code>{}</code>. Copy it now: it is shown only this "
                "once and cannot be recovered.",
                key.account,
                raw,
            ),
            level=messages.WARNING,
        )

    @admin.action(description="Revoke selected API keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} API key(s).", level=messages.SUCCESS)


User = get_user_model()


class UserMembershipInline(MembershipInline):
    fk_name = "user"
    autocomplete_fields = ("account",)
    fields = ("account", "role", "created_at")


# Staff manage a user's accounts from the user's page; Django's own UserAdmin is kept otherwise.
if TYPE_CHECKING:
    # Whichever UserAdmin is registered at run time; to the type checker, Django's own.
    _base_user_admin = UserAdmin[AuthUser]
elif admin.site.is_registered(User):
    _base_user_admin = type(admin.site._registry[User])
    admin.site.unregister(User)
else:  # pragma: no cover - django.contrib.auth always registers its User
    _base_user_admin = UserAdmin


@admin.register(User)
class CampaignsUserAdmin(_base_user_admin):
    inlines = (*_base_user_admin.inlines, UserMembershipInline)
    # django-stubs types ``actions`` with ``Self``, which it cannot resolve on the class.
    actions = (*(_base_user_admin.actions or ()), "unlock_sign_in")  # type: ignore[misc]

    @admin.action(description="Unlock sign-in of selected users (clear failed attempts)")
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[AuthUser]) -> None:
        """Lift a lockout before its cool-off ends: the failed attempts behind it are deleted.

        An address locked for trying many usernames is unlocked under Axes › Access attempts.
        """
        users = list(queryset)
        removed = sum(axes_reset(username=user.get_username()) for user in users)
        self.message_user(
            request,
            f"Unlocked sign-in for {len(users)} user(s); {removed} failed-attempt record(s) "
            "removed. An address locked out for trying many usernames is unlocked under "
            "Axes › Access attempts.",
            level=messages.SUCCESS,
        )
