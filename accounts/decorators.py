"""Access checks for server-rendered pages, shared by every app's views.

Pages answer a signed-out visitor with a redirect to the login page, a user without any
account with a page that says so, and a member whose role lacks a permission with a 403 page
that changes nothing. The account's time zone is active while the view runs, so forms read
and pages show times the way the account's people think of them.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils import timezone

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def forbidden(request, message: str = "Your role does not allow this action."):
    return render(request, "accounts/forbidden.html", {"message": message}, status=403)


def member_required(view=None, *, permission: str | None = None, writes_only: bool = False):
    """Require a signed-in member of an account, and ``permission`` when given.

    ``writes_only=True`` lets every member read the page (GET) while a POST needs the
    permission: the shape of a page whose buttons a viewer does not get.
    """

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            if membership is None:
                return render(request, "accounts/no_account.html", status=403)
            needs = permission and not (writes_only and request.method in SAFE_METHODS)
            if needs and not membership.can(permission):
                return forbidden(request)
            with timezone.override(request.account.timezone):
                return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
