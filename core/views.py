"""Django's error handlers, answering the API in its own JSON shape."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found

from core.error_codes import CoreErrorCode
from core.middleware import is_api


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL under ``/api/`` that no operation matches (``/api/contacts/abc``) answers the
    API's error JSON, so clients and the OpenAPI checks see one shape; pages keep 404.html."""
    if is_api(request):
        return JsonResponse(
            {"detail": "There is no such API address.", "code": CoreErrorCode.NOT_FOUND}, status=404
        )
    return page_not_found(request, exception)
