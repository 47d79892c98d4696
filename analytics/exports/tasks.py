"""django-q2 entry point of the exports: thin, it takes an id and calls the service."""

from analytics.exports.services import export_run as _run
from analytics.exports.services import exports_expire as _expire


def export_run(export_id: int) -> None:
    """Write an export's file; safe to run twice (a finished or held export is left alone)."""
    _run(export_id=export_id)


def exports_expire() -> int:
    """The daily Schedule (analytics migration 0007): old export files deleted."""
    return _expire()
