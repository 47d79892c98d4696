"""django-q2 entry points of messaging: thin, by id, safe to run twice."""

from messaging.services.limits import senders_limits_refresh_due
from messaging.services.sandbox import sandbox_statuses_emit as _emit


def sandbox_statuses_emit(message_pks: list[int], stage: str) -> int:
    return _emit(message_pks=message_pks, stage=stage).applied


def senders_limits_refresh() -> int:
    """Hourly (``messaging-senders-limits``): the tier and quality of active WhatsApp senders."""
    return senders_limits_refresh_due()
