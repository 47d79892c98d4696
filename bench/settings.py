"""The product's settings with ``bench/urls.py`` as the URL conf (it adds the bare redirect
the analytics bench compares the click redirect with). Used only by ``bench/analytics_bench.py``'s
server."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
