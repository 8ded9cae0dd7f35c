#!/usr/bin/env bash
# The pinned packages and the course package into the environment of one Python interpreter.
# Usage: scripts/install-packages.sh PYTHON [LOCK]   (LOCK: requirements.lock, the default, for the
# lessons and the `workshop` command; requirements-test.lock adds the test tools)
# scripts/install.sh (make, CI, Docker) and postBuild (Binder, conda) both call it.
# --no-deps: the lock already lists every package an install needs, and some packages ask by
# name for ones this course leaves out on purpose (dice-ml asks for `xgboost`, the CUDA build;
# xgboost-cpu provides the same module): see [tool.uv] in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:?usage: scripts/install-packages.sh PYTHON [LOCK]}
lock=${2:-requirements.lock}
"$python" -m pip install --quiet --disable-pip-version-check --no-cache-dir --no-deps -r "$lock"
"$python" -m pip install --quiet --disable-pip-version-check --no-cache-dir --no-deps -e .
"$python" scripts/trim_interpret.py
