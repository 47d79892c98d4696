"""django-q2 entry points of the audience app: thin, they take ids and call one service."""

from audience.services.imports import import_run


def contacts_import(job_id: int) -> None:
    """Run a CSV import; safe to run twice (a finished or owned job is left alone)."""
    import_run(job_id=job_id)
