"""``manage.py serve [host:port]``: the web server of ``make run`` and of production.

Why not ``runserver``: it starts a thread per connection, and each thread opens its own
database connection, so a burst of webhooks opened as many PostgreSQL sessions as it had
concurrent requests, up to "sorry, too many clients already". gunicorn's ``gthread`` workers
serve from a fixed pool of ``WEB_THREADS`` threads each and park idle keep-alive connections
outside it, so the server never holds more than ``WEB_PROCESSES × WEB_THREADS`` database
connections. Several processes because Python runs one thread at a time per process: one
process is one core, whatever its threads (the click redirect needs both cores of a small
machine). Static files are served as ``runserver`` serves them when ``DEBUG`` is on.
"""

import os
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    """gunicorn run from this command: its options from our settings, not a config file."""

    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        return self.application


def _post_fork(server: Any, worker: Any) -> None:
    # A worker must not share the parent's database sockets (none is open by design, but a
    # system check may have opened one): each opens its own on its first request.
    connections.close_all()


def _processes_default() -> int:
    if connections["default"].vendor == "postgresql":
        return os.cpu_count() or 1
    return 1


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn: WEB_PROCESSES processes of WEB_THREADS threads "
        "(a bounded number of database connections)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Worker threads per process (default: the WEB_THREADS setting).",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Worker processes (default: the WEB_PROCESSES setting).",
        )

    def handle(
        self,
        *args: object,
        addrport: str,
        threads: int | None,
        processes: int | None,
        **options: object,
    ) -> None:
        host, _, port = addrport.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"“{addrport}” is not host:port (e.g. 127.0.0.1:8000).")
        threads = threads or settings.WEB_THREADS
        processes = processes or settings.WEB_PROCESSES or _processes_default()
        if threads < 1 or processes < 1:
            raise CommandError("--threads and --processes must be at least 1.")
        application = get_wsgi_application()
        if settings.DEBUG:
            application = StaticFilesHandler(application)
        connections.close_all()
        host = host or "127.0.0.1"
        self.stdout.write(
            f"Serving on http://{host}:{port}/ with {processes} process(es) of {threads} threads.",
        )
        self.stdout.flush()
        _Gunicorn(
            application,
            {
                "bind": f"{host}:{port}",
                "workers": processes,
                "threads": threads,
                "worker_class": "gthread",
                # Keep-alive connections wait in the worker's poller, not in a thread.
                "keepalive": 5,
                # Requests are short (imports, sends and exports run in the cluster); a
                # worker stuck past this is replaced.
                "timeout": 120,
                "graceful_timeout": 20,
                "backlog": 2048,
                "proc_name": "campaigns",
                "post_fork": _post_fork,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
            },
        ).run()
