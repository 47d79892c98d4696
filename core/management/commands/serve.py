"""``manage.py serve [host:port]``: the web server of ``make run``.

Why not ``runserver``: it starts a thread per connection, and each thread opens its own
database connection, so a burst of webhooks opened as many PostgreSQL sessions as it had
concurrent requests, up to "sorry, too many clients already". waitress (pure Python, like
the rest of ``make run``) serves from a fixed pool of ``WEB_THREADS`` threads and queues the
rest, so the web server never holds more than ``WEB_THREADS`` database connections. Static
files are served as ``runserver`` serves them when ``DEBUG`` is on.
"""

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application


class Command(BaseCommand):
    help = "Serve the site with waitress: a bounded pool of threads (WEB_THREADS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Worker threads (default: the WEB_THREADS setting).",
        )

    def handle(self, *args: object, addrport: str, threads: int | None, **options: object) -> None:
        from waitress import serve

        host, _, port = addrport.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"“{addrport}” is not host:port (e.g. 127.0.0.1:8000).")
        threads = threads or settings.WEB_THREADS
        if threads < 1:
            raise CommandError("--threads must be at least 1.")
        application = get_wsgi_application()
        if settings.DEBUG:
            application = StaticFilesHandler(application)
        self.stdout.write(
            f"Serving on http://{host or '127.0.0.1'}:{port}/ with {threads} threads."
        )
        serve(
            application,
            host=host or "127.0.0.1",
            port=int(port),
            threads=threads,
            ident="campaigns",
            # Nothing above the threads is lost: extra connections wait in the listen backlog.
            connection_limit=max(100, threads * 4),
        )
