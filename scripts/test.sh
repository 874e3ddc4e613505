#!/usr/bin/env bash
# Runs the whole test suite. Browser tests need Debian's chromium: install it when missing
# (CI runs as root on a clean machine), so those tests run rather than skip.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        echo "test: installing Debian's chromium for the browser tests"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "test: chromium is missing; run: sudo apt-get install chromium" >&2
        exit 1
    fi
fi
exec .venv/bin/python -m pytest "$@"
