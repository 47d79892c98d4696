"""Where the redirect leaves its hits for the drain: a Redis list, else the ``ClickHit`` table,
written by each web process in batches.

Writing each hit in its own request cost more than the rest of the redirect: one Redis round
trip per click (or one INSERT), during which the request's thread waits and the process's
other threads fight for the interpreter (a 2-process server answered 1,780 redirects/s with a
push per request and 3,150/s without). So a hit joins the process's pending list, and one
thread per process writes the list every ``CLICK_HIT_FLUSH_MS``: one RPUSH (or one INSERT) of
every hit that came meanwhile. The drain reads them as before (``delivery.clicks``).

What this trades: hits of the last ``CLICK_HIT_FLUSH_MS`` are in the process's memory, so a
killed process (``SIGKILL``, a power cut) loses them; a stopping one writes them first
(``atexit``, and gunicorn's ``worker_exit``). ``CLICK_HIT_FLUSH_MS = 0`` writes each hit in its
request, as the test suite does except where it tests the batches.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import logging
import os
import threading
import time
from functools import cache
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from core.bulk import arrays_insert
from delivery.models import ClickHit

logger = logging.getLogger(__name__)

REDIS_KEY = "campaigns:click-hits"
PENDING_MAX = 200_000

# A hit as the drain reads it: h (id), l (link), r (recipient), t (token), at (epoch seconds),
# m (method), ua (user agent), c (country).
Hit = dict[str, Any]


@cache
def redis_client() -> Any:
    """One client (and connection pool) per process; redis-py's types are loose."""
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


def hits_write(hits: list[Hit]) -> None:
    """Write ``hits`` where the drain reads them: one RPUSH when there is Redis (the table if
    it fails), else one INSERT."""
    if not hits:
        return
    if settings.REDIS_URL:
        try:
            redis_client().rpush(
                REDIS_KEY, *(json.dumps(hit, separators=(",", ":")) for hit in hits)
            )
            return
        except Exception:  # any Redis failure: the table still takes the hits
            logger.warning("click buffer: Redis refused %d hit(s); kept in the database", len(hits))
    rows = [
        (
            hit["h"],
            hit["l"],
            hit["r"],
            hit["t"][:64],
            dt.datetime.fromtimestamp(hit["at"], tz=dt.UTC),
            hit["m"][:8],
            hit["ua"],
            hit["c"],
        )
        for hit in hits
    ]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The commit does not wait for the disk: a database crash could lose the last
            # instant's hits (never corrupt anything); a click is not worth a flush.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        hit_rows_insert(rows)


# A ClickHit row: hit_id, link_id, recipient_id, token, at, method, user_agent, country.
HitRow = tuple[str, int, int, str, dt.datetime, str, str, str]
_HIT_COLUMNS = (
    ("hit_id", "text"),
    ("link_id", "bigint"),
    ("recipient_id", "bigint"),
    ("token", "text"),
    ("at", "timestamptz"),
    ("method", "text"),
    ("user_agent", "text"),
    ("country", "text"),
)


def hit_rows_insert(rows: list[HitRow]) -> None:
    """Add ``rows`` to the table the drain counts from; a ``hit_id`` already there is kept
    once (a hit moved twice from Redis). PostgreSQL: one ``unnest()`` INSERT of one array
    per column, bound in binary; elsewhere ``bulk_create``."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        fields = [name for name, _ in _HIT_COLUMNS]
        ClickHit.objects.bulk_create(
            [ClickHit(**dict(zip(fields, row, strict=True))) for row in rows],
            ignore_conflicts=True,
        )
        return
    arrays_insert(
        ClickHit._meta.db_table,
        _HIT_COLUMNS,
        list(zip(*rows, strict=True)),
        tail=f"ON CONFLICT ({connection.ops.quote_name('hit_id')}) DO NOTHING",
    )


class _Pending:
    """This process's hits not yet written, and the thread that writes them."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.owner_pid = 0  # the process whose thread writes (a fork starts its own)

    def add(self, hit: Hit) -> None:
        with self.lock:
            self.hits.append(hit)
            if self.owner_pid != os.getpid():
                self.owner_pid = os.getpid()
                self.hits = [hit]  # a forked child does not write its parent's hits
                threading.Thread(target=self._run, name="click-hit-writer", daemon=True).start()

    def take(self) -> list[Hit]:
        with self.lock:
            hits, self.hits = self.hits, []
        return hits

    def put_back(self, hits: list[Hit]) -> None:
        """Hits a failed write took: first in line for the next round (bounded, so a long
        outage of Redis and the database costs memory only up to ``PENDING_MAX`` hits)."""
        with self.lock:
            self.hits = (hits + self.hits)[-PENDING_MAX:]

    def _run(self) -> None:
        while True:
            interval = int(settings.CLICK_HIT_FLUSH_MS)
            time.sleep(interval / 1000 if interval > 0 else 1.0)
            if not self.hits:
                continue
            try:
                hits_flush()
            except Exception:  # never let the writer die: the next round tries again
                logger.exception("click buffer: a batch of hits could not be written")
            finally:
                close_old_connections()


_pending = _Pending()


def hit_add(hit: Hit) -> None:
    """Leave ``hit`` for the drain: in this request when ``CLICK_HIT_FLUSH_MS`` is 0, else
    with the process's next batch."""
    if int(settings.CLICK_HIT_FLUSH_MS) <= 0:
        hits_write([hit])
        return
    _pending.add(hit)


def hits_flush() -> int:
    """Write this process's pending hits now; answers how many."""
    hits = _pending.take()
    try:
        hits_write(hits)
    except Exception:
        _pending.put_back(hits)
        raise
    return len(hits)


def _flush_at_exit() -> None:
    try:
        hits_flush()
    except Exception:
        logger.exception("click buffer: hits lost at exit")


atexit.register(_flush_at_exit)
