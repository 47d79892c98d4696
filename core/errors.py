"""One error family for services; the API and views map it to a status and a message.

The message is written for a person: it is shown as it is in pages and API answers. The code is
for programs: a member of an app's ``ErrorCode`` enum (``core.error_codes``).
"""

from core.error_codes import CoreErrorCode, ErrorCode


class ApplicationError(Exception):
    status_code = 400
    # An ``ErrorCode`` member; typed ``str`` until the last string literals (the send path's,
    # moving to delivery/) are members too. tests/core/test_error_codes.py holds them to that.
    code: ErrorCode = CoreErrorCode.ERROR

    def __init__(self, message: str, *, code: ErrorCode | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    """Input that cannot be accepted; ``extra['problems']`` holds ``[{field, message}]``."""

    status_code = 422
    code: ErrorCode = CoreErrorCode.VALIDATION_ERROR


class NotFound(ApplicationError):
    status_code = 404
    code: ErrorCode = CoreErrorCode.NOT_FOUND


class Conflict(ApplicationError):
    status_code = 409
    code: ErrorCode = CoreErrorCode.CONFLICT


class PermissionDenied(ApplicationError):
    status_code = 403
    code: ErrorCode = CoreErrorCode.PERMISSION_DENIED
