"""django-q2: Redis broker when REDIS_URL is set, otherwise the ORM broker (zero set-up)."""

from config.env import env_int

from .base import REDIS_URL

Q_CLUSTER = {
    "name": "campaigns",
    "workers": env_int("Q_WORKERS", 2),
    "recycle": 500,
    # A batch task may wait on the provider's rate limit: give it room before it is killed.
    "timeout": env_int("Q_TIMEOUT", 600),
    "retry": env_int("Q_RETRY", 720),
    "max_attempts": 1,
    "queue_limit": 50,
    "bulk": 10,
    "save_limit": 1000,
    # A cluster that was down must not replay every schedule slot it missed.
    "catch_up": False,
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.2
