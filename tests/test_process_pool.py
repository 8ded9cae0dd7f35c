"""The process pool: grading processes get the quiet-threads and grading environment, a process
that crashes or overruns becomes a zero with the reason, what a grading process prints is checked
before it is used, and a whole (small) class is graded into the table and feedback pages, in the
sandbox or, when asked, without it."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest

from workshop_tools.grading import contained, process_pool
from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.grading.run_lock import OutputBusy, run_lock
from workshop_tools.sandbox import sandbox_problem
from workshop_utils.paths import feedback_page, submitted_notebook

LESSON = "01_monotonic_xgboost"


def python(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_grading_processes_let_openmp_threads_sleep_and_know_they_grade(monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setenv("SOMETHING_ELSE", "kept")
    environment = contained.grading_environment()
    assert environment["OMP_WAIT_POLICY"] == "PASSIVE" and environment["SOMETHING_ELSE"] == "kept"
    assert environment["WORKSHOP_GRADING"] == "1"


def test_inside_the_sandbox_only_the_passed_variables_and_the_grading_flag_arrive(tmp_path):
    command = contained.grading_command(["env"], tmp_path, hidden=[], sandbox=True,
                                        environ={"PATH": os.environ["PATH"], "AWS_SECRET": "x"})
    pairs = list(zip(command, command[1:], command[2:]))
    assert ("--setenv", "WORKSHOP_GRADING", "1") in pairs and ("--setenv", "OMP_WAIT_POLICY", "PASSIVE") in pairs
    assert "AWS_SECRET" not in command


def test_a_crashed_grading_process_is_a_zero_with_its_last_words():
    result = process_pool.wait_for_grade(python("import sys; sys.exit('boom')"), "ann", LESSON, 9.0, 60)
    assert (result.score, result.max_score, result.notes) == (0.0, 9.0, ["the grader failed: boom"])


def test_an_overrunning_grading_process_is_stopped():
    process = python("import time; time.sleep(60)")
    result = process_pool.wait_for_grade(process, "ann", LESSON, 9.0, 0.5)
    assert process.returncode is not None and result.score == 0.0
    assert result.notes == ["grading this notebook took longer than 0 s in all and was stopped"]


def test_a_printed_result_is_relabelled_and_its_page_read_only_from_scratch(tmp_path):
    page = tmp_path / "scratch" / "page.html"
    page.parent.mkdir()
    page.write_text("<html></html>")
    (tmp_path / "link.html").symlink_to("/etc/passwd")
    lying = GradeResult("bob", "02_other", 50.0, 50.0, ["n"], str(tmp_path / "link.html"))
    assert contained.trusted(lying, "ann", LESSON, 9.0, tmp_path / "scratch") == GradeResult("ann", LESSON, 9.0, 9.0, ["n"])
    honest = GradeResult("ann", LESSON, 7.0, 9.0, [], str(page))
    assert contained.trusted(honest, "ann", LESSON, 9.0, tmp_path / "scratch").feedback_html == str(page)


def test_only_a_regular_notebook_is_copied_into_scratch(tmp_path):
    (tmp_path / "peer.ipynb").write_text("{}")
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / f"{LESSON}.ipynb").symlink_to(tmp_path / "peer.ipynb")
    (tmp_path / "scratch").mkdir()
    copy = contained.stage_notebook(tmp_path / "ann" / f"{LESSON}.ipynb", tmp_path / "scratch")
    assert copy.parent.is_dir() and not copy.exists()


def test_a_scratch_folder_a_submission_locked_is_still_removed(tmp_path):
    locked = tmp_path / "scratch" / "locked"
    locked.mkdir(parents=True)
    (locked / "file").write_text("x")
    locked.chmod(0)
    contained.remove_scratch(tmp_path / "scratch")
    assert not (tmp_path / "scratch").exists()


def test_without_a_sandbox_grading_refuses_and_names_the_cause_and_fixes(monkeypatch, tmp_path):
    monkeypatch.setattr(contained, "sandbox_problem", lambda: "bwrap (bubblewrap) is not installed; install it")
    submitted_notebook(tmp_path / "class", "ann", LESSON).parent.mkdir(parents=True)
    with pytest.raises(contained.SandboxUnavailable, match=r"bwrap .* not installed; install it; .*--no-sandbox"):
        process_pool.grade_class(tmp_path / "class", tmp_path / "out")
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_a_busy_output_folder_is_refused(tmp_path):
    (tmp_path / "class").mkdir()
    with run_lock(tmp_path / "class"), pytest.raises(OutputBusy, match=f"pid {os.getpid()}"):
        process_pool.grade_class(tmp_path / "class", tmp_path / "class", sandbox=False)


def sandbox_modes() -> list:
    """Grading in the sandbox (when this machine can make one) and without it."""
    reason = sandbox_problem()
    return [pytest.param(True, marks=pytest.mark.skipif(reason is not None, reason=str(reason))), False]


@pytest.mark.parametrize("sandbox", sandbox_modes())
def test_a_class_is_graded_into_the_table_and_feedback(tmp_path, sandbox):
    """Two students whose folders hold no notebook: graded zero by real grading processes,
    without nbgrader (fast); the table and both pages are written, saying how it was graded."""
    for student in ("bob", "ann"):
        submitted_notebook(tmp_path / "class", student, LESSON).parent.mkdir(parents=True)
    seen = []
    results = process_pool.grade_class(tmp_path / "class", tmp_path / "out", jobs=2, progress=seen.append,
                                       sandbox=sandbox)
    assert [r.student for r in results] == ["ann", "bob"] and len(seen) == 2
    assert sorted(line.split()[0] for line in seen) == ["[1/2]", "[2/2]"]
    with open(tmp_path / "out" / "grades.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["score"], row["sandbox"]) for row in rows] == [("0", "yes" if sandbox else "no")] * 2
    for student in ("ann", "bob"):
        page = feedback_page(tmp_path / "out", student, LESSON).read_text()
        assert "no notebook found" in page and ("WITHOUT the sandbox" in page) is not sandbox
