#!/usr/bin/env bash
# Builds the project's environment (.venv) from nothing on a fresh machine of this kind.
# Why a script: the README's two commands (make compare, make test) must do all set-up,
# and CI runs on a clean clone with none of a developer's hand installs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Python 3.12+ is required (Mesa >= 3.4). On this machine kind it is pyenv's 3.12.1,
# selected by .python-version; elsewhere any python3.12+ on PATH will do.
pick_python() {
    for candidate in "${CAREPATH_PYTHON:-}" python3.12 python3 python; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        PYENV_VERSION=3.12.1 pyenv which python 2>/dev/null && return 0
    fi
    return 1
}
PYTHON=$(pick_python) || { echo "install: Python 3.12 or newer is required and none was found" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
.venv/bin/python -m pip install --quiet -e ".[test]" 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "import model, mesa, pydantic, SALib, dask.distributed" \
    || { echo "install: the environment did not import cleanly" >&2; exit 1; }

# Compile the model's numba kernels once now (they are cached beside the code in model/__pycache__),
# so the first runs, tests and sweep workers load them instead of each compiling them (docs/performance.md).
CAREPATH_DRAWS=compiled .venv/bin/python -c "from model.api import run; run('integrated', patients=300, years=1, seed=1)" \
    || { echo "install: the model did not run with its compiled kernels" >&2; exit 1; }

# Front-end assets for the offline workshop app (see scripts/install_offline_assets.sh).
if [ -f scripts/install_offline_assets.sh ]; then
    bash scripts/install_offline_assets.sh
fi
touch .venv/.installed
