#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded one). Make sure it is there:
# install it with apt-get when we may (root, or password-less sudo), else say what to run.
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0

as_root=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root="sudo"; fi
fi
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$as_root" ]; }; then
  echo "== installing Debian's chromium for the browser tests (apt-get install chromium)"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium >/dev/null
  [ -x "$CHROMIUM" ] && exit 0
fi
cat >&2 <<MSG
The browser tests need Chromium at $CHROMIUM, and it could not be installed here.
Install it, then run make test again:
    sudo apt-get install chromium        # Debian / Ubuntu
or point CHROMIUM at a Chromium binary:   CHROMIUM=/path/to/chromium make test
or leave the browser tests out:          PYTEST_ARGS='-m "not browser"' make test
MSG
exit 1
