"""django-q2 entry points of the audience app: thin, they take ids and call one service."""

from django_q.tasks import async_task

from audience.services.imports import IMPORT_TIMEOUT, import_run


def contacts_import(job_id: int) -> None:
    """Run a CSV import; safe to run twice (a finished or owned job is left alone)."""
    import_run(job_id=job_id)


def contacts_import_enqueue(job_id: int) -> None:
    # Call from transaction.on_commit: the worker must find the committed job.
    async_task(
        "audience.tasks.contacts_import",
        job_id,
        task_name=f"contacts-import-{job_id}",
        timeout=IMPORT_TIMEOUT,
    )
