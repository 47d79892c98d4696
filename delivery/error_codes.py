"""The codes of delivery's error answers (see ``core.error_codes``): sends the facade refuses
(409) although the lifecycle allowed the campaign's state."""

from core.error_codes import ErrorCode


class DeliveryErrorCode(ErrorCode):
    START_PASSED = "start_passed"
    NOT_SENDABLE = "not_sendable"
    NOT_CANCELLABLE = "not_cancellable"
