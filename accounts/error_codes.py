"""The codes of accounts' error answers (see ``core.error_codes``)."""

from core.error_codes import ErrorCode


class AccountErrorCode(ErrorCode):
    # Too many wrong API keys from one address: 429 until the window ends.
    TOO_MANY_FAILURES = "too_many_failures"
