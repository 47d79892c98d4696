"""API plumbing shared by every app's router: session auth, permission checks, error answers.

API keys are accounts' (``accounts.api_auth``); ``config.api`` puts both kinds of auth on the
one NinjaAPI.

Errors have one shape everywhere:
``{"detail": "<sentence>", "code": "<machine code>", "errors": [{"field", "message"}]}``
with ``field`` a dotted path in the spec's camelCase names (``audience.segmentIds.0``) and
``code`` a member of an app's ``ErrorCode`` enum (``<app>/error_codes.py``), every one of
which the OpenAPI document lists.
"""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from core.error_codes import CoreErrorCode
from core.errors import ApplicationError, PermissionDenied
from core.schemas import AnyErrorCode


class ErrorOut(Schema):
    """The body of every error answer (see ``install_error_handlers``): one schema, so the
    OpenAPI document names one component for it."""

    detail: str
    code: AnyErrorCode
    errors: list[dict[str, str]] | None = None


# Every operation can answer these: no or a bad key (401); input that cannot be accepted, which
# any query string, path or body can carry, NUL characters included (422); too many failed
# API keys from one client (429).
COMMON_ERRORS = (401, 422, 429)


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """One operation's error answers for its OpenAPI ``responses``: ``COMMON_ERRORS`` plus
    ``statuses`` — 403 when it needs a permission, 404 when its path names a row, 409 when the
    row's state can refuse it, 413 when it takes a body (``DATA_UPLOAD_MAX_MEMORY_SIZE``).
    Documented exactly, so the fuzz gate (tests/api/test_fuzz.py) can hold every answer to it.
    """
    return dict.fromkeys(sorted({*COMMON_ERRORS, *statuses}), ErrorOut)


class AccountSessionAuth(SessionAuth):
    """The browser session of a user who belongs to an account (CSRF-checked by ninja)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if request.user.is_authenticated and getattr(request, "account", None) is not None:
            # Where accounts.request.AccountRequest declares it (core cannot import it).
            setattr(request, "api_key", None)  # noqa: B010
            return request.user
        return None


def require_permission(request: HttpRequest, permission: str) -> None:
    """Raise 403 unless the key or member behind the request may ``permission``."""
    key = getattr(request, "api_key", None)
    grantor = key if key is not None else getattr(request, "membership", None)
    if grantor is None or not grantor.can(permission):
        raise PermissionDenied("Your role does not allow this action.")


def actor(request: HttpRequest) -> User | None:
    """The user to record in history: the signed-in user, or the API key's creator."""
    key = getattr(request, "api_key", None)
    if key is not None:
        return key.created_by
    return request.user if request.user.is_authenticated else None


def _field_path(loc: Sequence[object]) -> str:
    parts = [str(p) for p in loc]
    # ninja prefixes body fields with "body" and the payload parameter's name.
    if parts and parts[0] in {"body", "query", "path", "form", "file"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "filters"}:
            parts = parts[1:]
    return ".".join(parts)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        body = {"detail": exc.message, "code": exc.code}
        problems = exc.extra.get("problems")
        if problems is not None:
            body["errors"] = problems
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = []
        for error in exc.errors:
            message = str(error.get("msg", "Invalid value."))
            message = message.removeprefix("Value error, ")
            errors.append({"field": _field_path(error.get("loc", ())), "message": message})
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "Invalid input."
        return api.create_response(
            request,
            {"detail": detail, "code": CoreErrorCode.VALIDATION_ERROR, "errors": errors},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {
                "detail": "Authentication required: send 'Authorization: Bearer <API key>'.",
                "code": CoreErrorCode.UNAUTHENTICATED,
            },
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # django-ninja's only 400: a body it cannot read as JSON. Input that cannot be
            # accepted is a 422 everywhere else, so it is here too.
            message = "The body is not valid JSON."
            body: dict[str, object] = {"detail": message, "code": CoreErrorCode.VALIDATION_ERROR}
            body["errors"] = [{"field": "", "message": message}]
            return api.create_response(request, body, status=422)
        return api.create_response(
            request, {"detail": str(exc), "code": CoreErrorCode.ERROR}, status=exc.status_code
        )
