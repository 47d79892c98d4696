#!/usr/bin/env bash
# Runs the web server and a django-q2 cluster together; Ctrl-C (or a TERM) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
PY=.venv/bin/python

cleanup() {
  trap - INT TERM HUP EXIT
  kill -TERM "${cluster_pid:-}" "${web_pid:-}" 2>/dev/null || true
  # The cluster finishes its tasks in flight; give it a few seconds, then make sure.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "${cluster_pid:-}" 2>/dev/null || break
    sleep 1
  done
  pkill -KILL -P "${cluster_pid:-0}" 2>/dev/null || true
  kill -KILL "${cluster_pid:-}" "${web_pid:-}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup INT TERM HUP EXIT

"$PY" manage.py qcluster &
cluster_pid=$!
# WEB_PROCESSES processes of WEB_THREADS threads (default 8): at most that many database
# connections, whatever a burst of requests does (runserver opened one per concurrent request).
"$PY" manage.py serve "127.0.0.1:${PORT}" &
web_pid=$!

echo
echo "Campaigns is at http://127.0.0.1:${PORT}/"
echo "  marketer login: demo / demo-pass-2026   admin (/admin/): admin / admin-pass-2026"
echo "Press Ctrl-C to stop the web server and the task cluster."
wait -n "$cluster_pid" "$web_pid"
