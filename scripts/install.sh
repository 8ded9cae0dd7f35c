#!/usr/bin/env bash
# Install the course into a virtual environment from the lock file.
# One script for every route in: `make install`, CI (.ci/run) and the Dockerfile all call it.
# Usage: scripts/install.sh [VENV_DIR] [LOCK]   (default .venv and requirements.lock, the runtime
# packages; `make test` gives requirements-test.lock, which adds the test tools; PYTHON picks the
# interpreter, default python3)
# Re-running is quick: nothing is reinstalled unless the lock or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.venv}
lock=${2:-requirements.lock}
python=${PYTHON:-python3}

if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    echo "error: the course needs Python 3.11; '$python' is $("$python" --version 2>&1)." >&2
    echo "fix: install Python 3.11 and run again with PYTHON=python3.11." >&2
    exit 1
fi

stamp="$venv/.course-installed-$(basename "$lock")"
want=$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "install: $venv is up to date with $lock"
    exit 0
fi

echo "install: creating $venv and installing the pinned packages from $lock (a few minutes the first time)"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
bash scripts/install-packages.sh "$venv/bin/python" "$lock"
echo "$want" > "$stamp"
echo "install: done"
