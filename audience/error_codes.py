"""The codes of audience's error answers (see ``core.error_codes``)."""

from core.error_codes import ErrorCode


class AudienceErrorCode(ErrorCode):
    INVALID_PHONE = "invalid_phone"
