"""The codes of analytics' error answers (see ``core.error_codes``)."""

from core.error_codes import ErrorCode


class AnalyticsErrorCode(ErrorCode):
    # No contact of the account matches the conversion's contactId, phone or e-mail.
    CONTACT_NOT_FOUND = "contact_not_found"
    # Several contacts share the e-mail: the caller must name one by contactId or phone.
    CONTACT_AMBIGUOUS = "contact_ambiguous"
    # The conversion's currency is not the account's (amounts are never converted).
    CURRENCY_MISMATCH = "currency_mismatch"
    # occurredAt lies more than a few minutes in the future.
    OCCURRED_IN_FUTURE = "occurred_in_future"
