"""``make bench``: every benchmark under bench/, one after another, on PostgreSQL + Redis.

Each benchmark prints its figures and the ratio to a raw baseline measured in the same run;
bench/README.md records them with the machine. The benchmarks need PostgreSQL (and Redis for
delivery): DATABASE_URL and REDIS_URL default to this machine's services and a database
``campaigns_bench``, created here when missing. ``python bench/run.py delivery_bench.py`` runs
one of them.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from common import database_ensure  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/campaigns_bench"
BENCHES = ["audience_bench.py", "import_bench.py", "delivery_bench.py", "analytics_bench.py"]


def main() -> int:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    database_ensure()
    env = dict(os.environ)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    only = sys.argv[1:] or BENCHES
    failed = []
    for name in only:
        script = ROOT / "bench" / name
        if not script.exists():
            print(f"== {name}: not present, skipped")
            continue
        print(f"\n== {name}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env)
        print(f"== {name}: exit {result.returncode} after {time.monotonic() - started:.0f} s")
        if result.returncode:
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
