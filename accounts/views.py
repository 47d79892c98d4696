"""Sign-in, the account switcher, the account settings and the API keys page."""

import math

from axes.helpers import get_client_username, get_cool_off
from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .decorators import member_required
from .forms import AccountSettingsForm, AccountSwitchForm, ApiKeyCreateForm, LoginForm
from .models import ApiKey
from .request import AccountRequest, MemberRequest
from .selectors import SESSION_ACCOUNT_KEY, memberships_for_user
from .services import account_settings_update, api_key_create, api_key_revoke


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def login_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, object] | None = None,
) -> HttpResponse:
    """django-axes' answer to a sign-in while the username or address is locked out.

    The sign-in page again (also for the admin's login), saying how long to wait and whom to
    ask, with 429 and Retry-After. Each further try restarts the wait (axes' default), so the
    wait shown is the whole cool-off.
    """
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    username = get_client_username(request, credentials) or ""
    response = render(
        request,
        "registration/login.html",
        {
            "form": LoginForm(request, initial={"username": username}),
            "lockout_minutes": minutes,
            REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME, ""),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot sign anyone out behind their back."""


@require_POST
@member_required
def account_switch(request: MemberRequest) -> HttpResponse:
    """Make another of the user's accounts the current one for this session.

    An id the user is not a member of is a 404, the same answer as for an id that does not
    exist, so the switcher cannot be used to probe for other tenants.
    """
    form = AccountSwitchForm(request.POST)
    if not form.is_valid():
        raise Http404("No such account.")
    membership = (
        memberships_for_user(user=request.user)
        .filter(account_id=form.cleaned_data["account"])
        .first()
    )
    if membership is None:
        raise Http404("No such account.")
    request.session[SESSION_ACCOUNT_KEY] = membership.account_id
    messages.success(request, f"You are now working in {membership.account.name}.")
    # Back to a list page: the page the user came from may show the old account's objects.
    return redirect("campaigns:list")


def _api_keys_page(
    request: AccountRequest,
    *,
    form: forms.Form,
    created: ApiKey | None = None,
    raw_key: str = "",
    status: int = 200,
) -> HttpResponse:
    keys = ApiKey.objects.for_account(request.account).select_related("created_by")
    response = render(
        request,
        "accounts/api_keys.html",
        {"nav": "api_keys", "keys": keys, "form": form, "created": created, "raw_key": raw_key},
        status=status,
    )
    if raw_key:
        # The raw key is in this one answer only; keep it out of every cache.
        response["Cache-Control"] = "no-store"
    return response


@member_required(permission="manage")
def api_keys(request: MemberRequest) -> HttpResponse:
    """List the account's keys; a POST creates one and shows its raw value once."""
    if request.method == "POST":
        form = ApiKeyCreateForm(request.POST)
        if not form.is_valid():
            return _api_keys_page(request, form=form)
        key, raw = api_key_create(
            account=request.account,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            created_by=request.user,
        )
        return _api_keys_page(request, form=ApiKeyCreateForm(), created=key, raw_key=raw)
    return _api_keys_page(request, form=ApiKeyCreateForm())


@require_POST
@member_required(permission="manage")
def api_key_revoke_view(request: AccountRequest, key_id: int) -> HttpResponse:
    key = get_object_or_404(ApiKey.objects.for_account(request.account), pk=key_id)
    if key.revoked_at is not None:
        messages.info(request, f"The key “{key.name}” was already revoked.")
    else:
        api_key_revoke(key=key)
        messages.success(request, f"The key “{key.name}” is revoked; it no longer works.")
    return redirect("accounts:api_keys")


@member_required(permission="manage", writes_only=True)
def account_settings(request: MemberRequest) -> HttpResponse:
    """Every member reads the account's settings; owners and managers change them."""
    account = request.account
    form = AccountSettingsForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        account_settings_update(
            account=account,
            click_window_days=form.cleaned_data["click_window_days"],
            delivery_window_days=form.cleaned_data["delivery_window_days"],
        )
        messages.success(request, "Settings saved.")
        return redirect("accounts:settings")
    status = 422 if form.is_bound else 200
    return render(
        request, "accounts/settings.html", {"nav": "settings", "form": form}, status=status
    )
