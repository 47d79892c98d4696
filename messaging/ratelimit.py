"""A token bucket per sender, shared by every worker of every cluster.

The bucket is kept as GCRA: one number per sender, its *theoretical arrival time* (TAT), the
moment the next token is free. Taking ``n`` tokens reserves the slots ``TAT, TAT + 1/rate, …``
and moves TAT forward by ``n / rate``; the caller sleeps until its slot. Tokens are therefore
spaced at least ``1 / rate`` apart with no burst allowance, so no window of one second ever
holds more than ``rate`` requests (a bucket with a burst allowance lets through ``burst + rate``
in the second after an idle spell). Each slot is also stretched by ``RATE_LIMIT_SAFETY``
(5% by default), because the provider counts arrivals, which drift a few milliseconds from
departures, and a caller that wakes up well after its slot takes a new one.

Storage: Redis when ``settings.REDIS_URL`` is set (one atomic Lua script on the server's
clock), otherwise the ``RateBucket`` table, one row per sender updated under
``select_for_update`` (the local-memory cache is per process and would not be shared).
"""

import os
import threading
import time

from django.conf import settings
from django.db import IntegrityError, transaction

_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local mode = ARGV[1]
local amount = tonumber(ARGV[2])
if mode == 'peek' then return string.format('%.6f', tat - now) end
local wait = 0
if mode == 'penalise' then
  if now + amount > tat then tat = now + amount end
else
  wait = tat - now
  if mode == 'try' and wait > 0 then return string.format('%.6f', wait) end
  tat = tat + amount
end
local ttl = math.ceil((tat - now) * 1000) + 60000
redis.call('SET', KEYS[1], string.format('%.6f', tat), 'PX', ttl)
return string.format('%.6f', wait)
"""

_local = threading.local()
_redis_lock = threading.Lock()
_redis_state: dict = {}


def _safety() -> float:
    return 1.0 + float(getattr(settings, "RATE_LIMIT_SAFETY", 0.05))


def _key(sender_id: int) -> str:
    return f"sender:{sender_id}"


def _redis_script():
    """One client per process (a forked worker must not reuse its parent's sockets)."""
    pid = os.getpid()
    with _redis_lock:
        if _redis_state.get("pid") != pid or _redis_state.get("url") != settings.REDIS_URL:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL)
            _redis_state.update(
                pid=pid, url=settings.REDIS_URL, script=client.register_script(_GCRA)
            )
        return _redis_state["script"]


def _redis_call(sender_id: int, mode: str, amount: float) -> tuple[float, float]:
    prefix = getattr(settings, "RATE_LIMIT_REDIS_PREFIX", "campaigns:ratelimit:")
    sent = time.time()
    wait = float(_redis_script()(keys=[prefix + _key(sender_id)], args=[mode, f"{amount:.6f}"]))
    # Redis timed the slot on its own clock somewhere between our send and its answer.
    return wait, (sent + time.time()) / 2 + wait


def _db_call(sender_id: int, mode: str, amount: float) -> tuple[float, float]:
    from messaging.models import RateBucket

    key = _key(sender_id)
    if mode == "peek":
        tat = RateBucket.objects.filter(key=key).values_list("tat", flat=True).first() or 0.0
        now = time.time()
        return max(0.0, tat - now), max(tat, now)
    for _ in range(3):
        try:
            with transaction.atomic():
                bucket = RateBucket.objects.select_for_update().filter(key=key).first()
                if bucket is None:
                    bucket = RateBucket.objects.create(key=key, tat=0.0)
                now = time.time()
                tat = max(bucket.tat, now)
                due = tat
                if mode == "penalise":
                    tat = max(tat, now + amount)
                else:
                    if mode == "try" and tat > now:
                        return tat - now, due
                    tat += amount
                RateBucket.objects.filter(key=key).update(tat=tat)
            # The slot is an absolute time on this machine's clock, so the time the commit
            # took is not added to it.
            return max(0.0, due - now), due
        except IntegrityError:
            continue  # another process created the row first: lock it and go on
    raise RuntimeError(f"Could not lock the rate bucket {key}.")


def _call(sender_id: int, mode: str, amount: float) -> tuple[float, float]:
    """(seconds the store made us wait, the local Unix time our slot starts)."""
    if getattr(settings, "REDIS_URL", ""):
        return _redis_call(sender_id, mode, amount)
    return _db_call(sender_id, mode, amount)


def try_acquire(sender_id: int, rate: float, n: int = 1) -> float:
    """Take ``n`` tokens if they are free now (→ 0.0), else take nothing and answer how many
    seconds to wait before asking again. ``rate`` ≤ 0 means no limit."""
    if not rate or rate <= 0:
        return 0.0
    wait, due = _call(sender_id, "try", n * _safety() / float(rate))
    return 0.0 if wait <= 0 else max(due - time.time(), 0.001)


def reserve(sender_id: int, rate: float, n: int = 1) -> float:
    """Reserve the next ``n`` tokens and answer how long to wait before using them."""
    if not rate or rate <= 0:
        return 0.0
    _, due = _call(sender_id, "reserve", n * _safety() / float(rate))
    return max(0.0, due - time.time())


def pause_remaining(sender_id: int) -> float:
    """Seconds left of a throttling pause (``penalise``) on the sender, read without a lock."""
    wait, _ = _call(sender_id, "peek", 0.0)
    return wait


def acquire(sender_id: int, rate: float, n: int = 1) -> None:
    """Block until ``n`` tokens are ours. With ``n`` > 1 they are used as one burst, so pace
    one request per token (``n=1``) where every second counts. Without a rate it still waits
    out a throttling pause.

    A caller that wakes up much later than its slot (a busy machine, a descheduled thread)
    gives the slot up and takes a new one: sending late would bunch its request with the
    ones after it, and the provider counts arrivals.
    """
    if not rate or rate <= 0:
        wait = pause_remaining(sender_id)
        if wait > 0:
            time.sleep(wait)
        return
    max_late = float(getattr(settings, "RATE_LIMIT_MAX_LATENESS", 0.01))
    cost = n * _safety() / float(rate)
    for _ in range(int(getattr(settings, "RATE_LIMIT_MAX_REBOOKINGS", 5))):
        _, due = _call(sender_id, "reserve", cost)
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        if time.time() - due <= max_late:
            return


def penalise(sender_id: int, seconds: float) -> None:
    """Hold every token of the sender for ``seconds`` (the provider throttled us)."""
    if seconds and seconds > 0:
        _call(sender_id, "penalise", float(seconds))
