"""One error family for services; the API and views map it to a status and a message.

The message is written for a person: it is shown as it is in pages and API answers.
"""


class ApplicationError(Exception):
    status_code = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    """Input that cannot be accepted; ``extra['problems']`` holds ``[{field, message}]``."""

    status_code = 422
    code = "validation_error"


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"
