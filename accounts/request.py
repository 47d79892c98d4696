"""The request a member's page or an API endpoint is handed, as the type checker should see it.

Django builds plain ``HttpRequest`` objects; middleware and the API's auth add attributes to
them that django-stubs cannot know about. Annotating such views with this class (the approach
django-stubs documents) lets mypy check ``request.account`` instead of rejecting it.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import Account, ApiKey, Membership


class AccountRequest(HttpRequest):
    """A request behind ``member_required`` or the API's auth, so its account is set.

    ``CurrentAccountMiddleware`` sets ``account`` and ``membership`` for a signed-in member;
    ``ApiKeyAuth`` sets ``account`` and ``api_key`` (``membership`` None) for a key. Never
    instantiated: a type for annotations only.
    """

    account: Account
    membership: Membership | None
    api_key: ApiKey | None
    htmx: HtmxDetails
