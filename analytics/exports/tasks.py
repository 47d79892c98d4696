"""django-q2 entry point of the exports: thin, it takes an id and calls the service."""

from analytics.exports.services import export_run as _run


def export_run(export_id: int) -> None:
    """Write an export's file; safe to run twice (a finished or held export is left alone)."""
    _run(export_id=export_id)
