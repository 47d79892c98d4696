"""Access checks for server-rendered pages, shared by every app's views.

Pages answer a signed-out visitor with a redirect to the login page, a user without any
account with a page that says so, and a member whose role lacks a permission with a 403 page
that changes nothing. The account's time zone is active while the view runs, so forms read
and pages show times the way the account's people think of them.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast, overload

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# A view keeps its own signature through the decorator, as with Django's ``login_required``.
_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


def forbidden(
    request: HttpRequest, message: str = "Your role does not allow this action."
) -> HttpResponse:
    return render(request, "accounts/forbidden.html", {"message": message}, status=403)


@overload
def member_required(view: _View, /) -> _View: ...
@overload
def member_required(
    view: None = None, /, *, permission: str | None = None, writes_only: bool = False
) -> Callable[[_View], _View]: ...
def member_required(
    view: _View | None = None, /, *, permission: str | None = None, writes_only: bool = False
) -> _View | Callable[[_View], _View]:
    """Require a signed-in member of an account, and ``permission`` when given.

    ``writes_only=True`` lets every member read the page (GET) while a POST needs the
    permission: the shape of a page whose buttons a viewer does not get.
    """

    def decorator(func: _View) -> _View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            if membership is None:
                return render(request, "accounts/no_account.html", status=403)
            needs = permission and not (writes_only and request.method in SAFE_METHODS)
            if needs and not membership.can(permission):
                return forbidden(request)
            with timezone.override(membership.account.timezone):
                return func(request, *args, **kwargs)

        return cast(_View, wrapper)

    return decorator(view) if view is not None else decorator
