"""API key authentication for the REST API: ``Authorization: Bearer <key>``.

It lives beside the keys and their throttle, and ``config.api`` puts it on the one NinjaAPI,
so ``core.api`` (the plumbing every app's router uses) needs nothing from accounts.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer

from accounts.models import ApiKey
from accounts.services import api_key_authenticate
from accounts.throttle import TooManyFailures, api_key_failure_record, api_key_throttle_check


class ApiKeyAuth(HttpBearer):
    """The key's account becomes the request's account."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        api_key_throttle_check(request=request)  # 429 while this address is blocked
        key = api_key_authenticate(raw=token)
        if key is None:
            api_key_failure_record(request=request)
            return None
        request.account = key.account  # type: ignore[attr-defined]
        request.api_key = key  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        return key


def api_key_errors_install(api: NinjaAPI) -> None:
    """Answer a blocked address 429 with ``Retry-After``, in the API's one error shape."""

    @api.exception_handler(TooManyFailures)
    def too_many_failures(request: HttpRequest, exc: TooManyFailures) -> HttpResponse:
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code, "errors": []}
        response = api.create_response(request, body, status=exc.status_code)
        response["Retry-After"] = str(exc.retry_after)
        return response
