"""`workshop check`: a learner's notebook graded as `workshop grade` grades it, hidden cases
included, with each exercise's points and message; the notebook is never written."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workshop_tools.grading.grade_cells import autograded_max
from workshop_utils.paths import released_notebook, source_notebook

LESSON = "01_monotonic_xgboost"
WORKSHOP = str(Path(sys.executable).parent / "workshop")


def check(notebook: Path, *options: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([WORKSHOP, "check", str(notebook), *options], capture_output=True, text=True, timeout=1200,
                          env=env)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_solution_earns_full_marks_and_is_not_written():
    before = digest(source_notebook(LESSON))
    run = check(source_notebook(LESSON))
    assert run.returncode == 0, run.stderr[-2000:]
    full = autograded_max(LESSON)
    assert f"Score: {full:g} / {full:g} autograded points" in run.stdout, run.stdout
    assert "✗" not in run.stdout
    assert digest(source_notebook(LESSON)) == before


def test_a_released_notebook_earns_zero_with_a_reason_per_exercise_even_without_the_sandbox(tmp_path):
    """Where no sandbox can be made (here: no bwrap on PATH, as in a Docker container), a learner's
    own notebook is still checked, and the check says it ran without the sandbox."""
    mine = tmp_path / f"{LESSON}.ipynb"
    notebook = nbformat.read(released_notebook(LESSON), 4)
    nbformat.write(notebook, mine)
    run = check(mine, env={**os.environ, "PATH": str(tmp_path)})
    assert run.returncode == 0, run.stderr[-2000:]
    assert "checked without it" in run.stdout and "bwrap" in run.stdout
    assert f"Score: 0 / {autograded_max(LESSON):g}" in run.stdout
    assert "✗ ex1_constraints_test  0/2  Constraints from correlations: on a toy table" in run.stdout
    assert "returned None" in run.stdout and "Traceback" not in run.stdout


@pytest.mark.parametrize(("name", "words"), [("notes.ipynb", "is not named after a lesson"),
                                             ("missing.ipynb", "is not a file")])
def test_a_notebook_it_cannot_place_gets_a_clear_error(tmp_path, name, words):
    path = tmp_path / name
    if name != "missing.ipynb":
        path.write_text("{}")
    run = check(path)
    assert run.returncode == 2 and words in run.stderr
