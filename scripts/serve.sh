#!/usr/bin/env bash
# Runs the web server and a django-q2 cluster together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
PY=.venv/bin/python

cleanup() {
  trap - INT TERM EXIT
  kill "${cluster_pid:-}" "${web_pid:-}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$PY" manage.py qcluster &
cluster_pid=$!
"$PY" manage.py runserver "127.0.0.1:${PORT}" &
web_pid=$!

echo
echo "Campaigns is at http://127.0.0.1:${PORT}/  (demo login: demo / demo-pass-2026)"
echo "Press Ctrl-C to stop the web server and the task cluster."
wait -n "$cluster_pid" "$web_pid"
