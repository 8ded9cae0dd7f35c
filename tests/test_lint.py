"""The code passes ruff with the project's own configuration (pyproject.toml, [tool.ruff])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workshop_utils.paths import PROJECT_ROOT

CHECKED = ["workshop_utils", "workshop_tools", "tests", "benchmarks"]


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).parent / "ruff"
    run = subprocess.run([str(ruff), "check", "--no-cache", *CHECKED], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"ruff check found problems (fix them; `ruff check --fix` mends many):\n{run.stdout}"
