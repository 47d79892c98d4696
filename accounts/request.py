"""The request a member's page or an API endpoint is handed, as the type checker should see it.

Django builds plain ``HttpRequest`` objects; middleware and the API's auth add attributes to
them that django-stubs cannot know about. Annotating such views with these classes (the
approach django-stubs documents) lets mypy check ``request.account`` instead of rejecting it.
Each class is what one more guarantee adds; none is ever instantiated.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import Account, ApiKey, Membership


class CurrentAccountRequest(HttpRequest):
    """Any request past ``CurrentAccountMiddleware``: the signed-in member's membership and
    account, or None for both (a visitor, a user without an account)."""

    account: Account | None
    membership: Membership | None
    htmx: HtmxDetails


class AccountRequest(CurrentAccountRequest):
    """A request behind ``member_required`` or the API's auth, so its account is set.

    ``CurrentAccountMiddleware`` sets ``account`` and ``membership`` for a signed-in member;
    ``ApiKeyAuth`` sets ``account`` and ``api_key`` (``membership`` None) for a key.
    """

    account: Account
    api_key: ApiKey | None


class MemberRequest(AccountRequest):
    """A page request behind ``member_required``: its user is signed in and a member.

    The decorator answers everyone else before the view runs, so a view that records who did
    something (``request.user``) or checks a role (``request.membership``) needs no None
    check. Not for the API, where a key's request has no user and no membership.
    """

    user: User
    membership: Membership
