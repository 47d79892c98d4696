"""The request guard: input no handler can store is refused at the door, with its field.

Why here and not in each schema: the API's inputs are query strings and JSON bodies whose
free-form parts (filter trees, conditions, attributes) no schema types, across routers owned
by different apps; one walk over what arrived covers them all, with the field path a client
needs (``audience.customFilters.rules.0.value``). Multipart form fields of the API are checked
by its parser (``config.api``), which reads them. Page forms keep their own field errors
(``core.forms``); pages get the guard for their query strings and cookies, which no form
re-displays. A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 here (JSON on the
API, a page otherwise) instead of Django's bare 400.
"""

import json
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

from core.error_codes import CoreErrorCode
from core.text import dotted, printable, text_problem, unstorable

API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info in settings.INPUT_GUARD_PASS_PATHS:
            # An endpoint that answers the same to any input and reads its own (the website
            # pixel): a refusal here would be a broken image on a shop's page.
            return self.get_response(request)
        api = is_api(request)
        try:
            problems = _problems(request, api=api)
        except RequestDataTooBig:
            return too_big_response(request)
        except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError) as exc:
            message = f"The form data cannot be read: {exc}"
            return _refuse(request, [{"field": "", "message": message}], status=422 if api else 400)
        if problems:
            return _refuse(request, problems, status=422 if api else 400)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_big_response(request)
        return None


def _problems(request: HttpRequest, *, api: bool) -> list[dict[str, str]]:
    problems = pairs_problems(request.GET.lists())
    problems += pairs_problems((name, [value]) for name, value in request.COOKIES.items())
    if request.method in ("GET", "HEAD", "OPTIONS") or not _has_body(request):
        return problems
    content_type = request.content_type or ""
    if api:
        if content_type == "multipart/form-data":
            # Parsing the stream here would leave no body for an operation that reads JSON;
            # the API's parser checks form fields as it reads them (config.api).
            return problems
        # Every other API body is read as JSON, whatever its content type says.
        problems += _json_problems(request.body)  # RequestDataTooBig past the limit
    elif content_type in FORM_TYPES:
        # Parsing here raises what the view would raise (too big, too many fields) while the
        # answer can still be chosen; Django parses the same data for CSRF checks anyway. The
        # fields themselves are the page forms' to refuse, with field errors (core.forms).
        request.POST  # noqa: B018
    return problems


def _has_body(request: HttpRequest) -> bool:
    return bool(request.META.get("CONTENT_LENGTH")) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )


def pairs_problems(pairs: Iterable[tuple[str, Iterable[object]]]) -> list[dict[str, str]]:
    problems = []
    for name, values in pairs:
        name_problem = text_problem(name)
        if name_problem:
            problems.append({"field": printable(name), "message": name_problem})
            continue
        for value in values:
            problem = text_problem(value) if isinstance(value, str) else None
            if problem:
                problems.append({"field": name, "message": problem})
                break
    return problems


def _json_problems(body: bytes) -> list[dict[str, str]]:
    try:
        data = json.loads(body)
    except ValueError as exc:  # UnicodeDecodeError included
        return [{"field": "", "message": f"The body is not valid JSON ({exc})."}]
    return [{"field": dotted(path), "message": message} for path, message in unstorable(data)]


def _refuse(request: HttpRequest, problems: list[dict[str, str]], *, status: int) -> HttpResponse:
    detail = "; ".join(
        f"{p['field']}: {p['message']}" if p["field"] else p["message"] for p in problems
    )
    if is_api(request):
        return JsonResponse(
            {"detail": detail, "code": CoreErrorCode.VALIDATION_ERROR, "errors": problems},
            status=status,
        )
    html = render_to_string(
        "core/refused.html",
        {"title": "This request cannot be used", "problems": problems},
    )
    return HttpResponse(html, status=status)


def too_big_response(request: HttpRequest) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = (
        f"The request is larger than the {limit / 1024 / 1024:g} MB this server accepts "
        "(DATA_UPLOAD_MAX_MEMORY_SIZE)."
    )
    if is_api(request):
        return JsonResponse({"detail": message, "code": CoreErrorCode.TOO_LARGE}, status=413)
    html = render_to_string(
        "core/refused.html",
        {"title": "Too large", "problems": [{"field": "", "message": message}]},
    )
    return HttpResponse(html, status=413)
