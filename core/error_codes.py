"""The codes of error answers (``{"detail", "code"}``); each app lists its own in
``<app>/error_codes.py``, as Saleor does.

A code is an enum member, not a string, so a misspelt code fails where it is written instead
of reaching clients as a new one. The values are the strings the API answers: renaming one
breaks clients. Every app's enum subclasses ``ErrorCode``, so core can publish all of them in
the OpenAPI document without importing the apps above it (see ``error_codes_all``).
"""

from enum import StrEnum

from django.utils.module_loading import autodiscover_modules


class ErrorCode(StrEnum):
    """The base of every app's codes. It has no members: an enum with members cannot be
    subclassed."""


class CoreErrorCode(ErrorCode):
    # An HTTP error raised by django-ninja with no code of its own.
    ERROR = "error"
    VALIDATION_ERROR = "validation_error"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    PERMISSION_DENIED = "permission_denied"
    UNAUTHENTICATED = "unauthenticated"
    TOO_LARGE = "too_large"


def error_codes_all() -> list[ErrorCode]:
    """Every app's codes. Each installed app's ``error_codes`` module is imported first, as
    the admin finds ``admin.py``: an app's enum counts even before anything raises it."""
    autodiscover_modules("error_codes")
    return [code for enum in ErrorCode.__subclasses__() for code in enum]
