"""The process pool: grading processes get the quiet-threads environment, a process that crashes
or overruns becomes a zero with the reason, and a whole (small) class is graded into the table
and feedback pages."""

from __future__ import annotations

import csv
import subprocess
import sys

from workshop_tools.grading import process_pool
from workshop_utils.paths import feedback_page, submitted_notebook

LESSON = "01_monotonic_xgboost"


def python(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_grading_processes_let_openmp_threads_sleep(monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setenv("SOMETHING_ELSE", "kept")
    environment = process_pool.grading_environment()
    assert environment["OMP_WAIT_POLICY"] == "PASSIVE" and environment["SOMETHING_ELSE"] == "kept"


def test_a_crashed_grading_process_is_a_zero_with_its_last_words():
    result = process_pool.wait_for_grade(python("import sys; sys.exit('boom')"), "ann", LESSON, 9.0, 60)
    assert (result.score, result.max_score, result.notes) == (0.0, 9.0, ["the grader failed: boom"])


def test_an_overrunning_grading_process_is_stopped():
    process = python("import time; time.sleep(60)")
    result = process_pool.wait_for_grade(process, "ann", LESSON, 9.0, 0.5)
    assert process.returncode is not None and result.score == 0.0
    assert result.notes == ["grading this notebook took longer than 0 s in all and was stopped"]


def test_a_class_is_graded_into_the_table_and_feedback(tmp_path):
    """Two students whose folders hold no notebook: graded zero by real grading processes,
    without nbgrader (fast); the table and both pages are written."""
    for student in ("bob", "ann"):
        submitted_notebook(tmp_path / "class", student, LESSON).parent.mkdir(parents=True)
    seen = []
    results = process_pool.grade_class(tmp_path / "class", tmp_path / "out", jobs=2, progress=seen.append)
    assert [r.student for r in results] == ["ann", "bob"] and len(seen) == 2
    with open(tmp_path / "out" / "grades.csv") as handle:
        assert [row["score"] for row in csv.DictReader(handle)] == ["0", "0"]
    for student in ("ann", "bob"):
        assert "no notebook found" in feedback_page(tmp_path / "out", student, LESSON).read_text()
