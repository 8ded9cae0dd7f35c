"""Round trips through `workshop grade`: the solution earns every autograded point, the released
notebook earns zero, one wrong answer earns partial credit, and submissions are never changed."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import lessons_under_test

from workshop_tools.grading import autograded_max
from workshop_utils.paths import NOTEBOOKS, PROJECT_ROOT, SOLUTIONS

LESSONS = lessons_under_test()
LESSON_01 = "01_monotonic_xgboost"


def first_exercise_unanswered(lesson: str) -> tuple[nbformat.NotebookNode, float]:
    """The solution with its first exercise put back to the released stub, and the points the
    tests right after that exercise are worth."""
    solved = nbformat.read(PROJECT_ROOT / SOLUTIONS / lesson / f"{lesson}.ipynb", 4)
    blank = nbformat.read(PROJECT_ROOT / NOTEBOOKS / lesson / f"{lesson}.ipynb", 4)
    blank_by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in blank.cells if "grade_id" in c.metadata.get("nbgrader", {})}
    lost, position = 0.0, None
    for index, cell in enumerate(solved.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            if position is not None:
                break
            position = index
            solved.cells[index] = blank_by_id[meta["grade_id"]]
        elif position is not None and meta.get("grade") and cell.cell_type == "code":
            lost += meta["points"]
    return solved, lost


def sign_flipped_lesson01() -> nbformat.NotebookNode:
    """A realistic wrong answer to lesson 1's first exercise: every constraint the wrong way."""
    solved = nbformat.read(PROJECT_ROOT / SOLUTIONS / LESSON_01 / f"{LESSON_01}.ipynb", 4)
    for cell in solved.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "ex1_constraints":
            assert "int(np.sign(r))" in cell.source
            cell.source = cell.source.replace("int(np.sign(r))", "-int(np.sign(r))")
    return solved


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    submitted = tmp_path_factory.mktemp("submitted")
    expected = {}
    for lesson in LESSONS:
        full = autograded_max(lesson)
        for student, source in (("full_marks", SOLUTIONS), ("blank", NOTEBOOKS)):
            folder = submitted / student / lesson
            folder.mkdir(parents=True)
            shutil.copy(PROJECT_ROOT / source / lesson / f"{lesson}.ipynb", folder)
            expected[student, lesson] = full if student == "full_marks" else 0.0
        notebook, lost = first_exercise_unanswered(lesson)
        (submitted / "one_unanswered" / lesson).mkdir(parents=True)
        nbformat.write(notebook, submitted / "one_unanswered" / lesson / f"{lesson}.ipynb")
        expected["one_unanswered", lesson] = full - lost
    if LESSON_01 in LESSONS:
        (submitted / "sign_flipped" / LESSON_01).mkdir(parents=True)
        nbformat.write(sign_flipped_lesson01(), submitted / "sign_flipped" / LESSON_01 / f"{LESSON_01}.ipynb")
        expected["sign_flipped", LESSON_01] = autograded_max(LESSON_01) - 2
    before = snapshot(submitted)
    out = tmp_path_factory.mktemp("graded")
    lesson_args = [arg for lesson in LESSONS for arg in ("--lesson", lesson)]
    run = subprocess.run([str(Path(sys.executable).parent / "workshop"), "grade", str(submitted),
                          "--out", str(out), "--jobs", "2", *lesson_args], capture_output=True, text=True, timeout=3000)
    assert run.returncode == 0, run.stderr[-3000:]
    with open(out / "grades.csv") as handle:
        rows = list(csv.DictReader(handle))
    return {"rows": rows, "expected": expected, "out": out, "stdout": run.stdout,
            "unchanged": before == snapshot(submitted)}


def test_grades_table_has_one_row_per_student_and_lesson(graded):
    rows = graded["rows"]
    assert list(rows[0]) == ["student", "assignment", "score", "max_score"]
    students = {"full_marks", "blank", "one_unanswered"} | ({"sign_flipped"} if LESSON_01 in LESSONS else set())
    assert {r["student"] for r in rows} == students
    assert len(rows) == len(students) * len(LESSONS), "every student graded on every lesson submitted"


def test_scores_are_as_expected(graded):
    for row in graded["rows"]:
        key = row["student"], row["assignment"]
        if key in graded["expected"]:
            assert float(row["score"]) == graded["expected"][key], (key, row)
            assert float(row["max_score"]) == autograded_max(row["assignment"])
        else:  # sign_flipped submitted lesson 1 only: the others are missing notebooks
            assert float(row["score"]) == 0.0


def test_partial_credit_is_strictly_between(graded):
    for (student, lesson), score in graded["expected"].items():
        if student in {"one_unanswered", "sign_flipped"}:
            assert 0 < score < autograded_max(lesson)


def test_feedback_is_written_for_every_grade(graded):
    for row in graded["rows"]:
        page = graded["out"] / "feedback" / row["student"] / f"{row['assignment']}.html"
        text = page.read_text()
        assert f"{float(row['score']):g} / {float(row['max_score']):g}" in text
    if LESSON_01 in LESSONS:
        flipped = (graded["out"] / "feedback" / "sign_flipped" / f"{LESSON_01}.html").read_text()
        assert "ex1_constraints_test" in flipped and "AssertionError" in flipped


def test_submissions_are_never_modified(graded):
    assert graded["unchanged"]


def test_grading_processes_let_openmp_threads_sleep(monkeypatch, tmp_path):
    """Each grading process (and so its kernel) gets OMP_WAIT_POLICY=PASSIVE, whatever the caller set."""
    from workshop_tools import grading

    seen = {}
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setattr(grading.subprocess, "Popen", lambda command, **options: seen.update(options))
    grading.run_job("ann", "01_monotonic_xgboost", tmp_path / "x.ipynb", 120, "4G", tmp_path)
    assert seen["env"]["OMP_WAIT_POLICY"] == "PASSIVE"
    assert seen["env"]["PATH"] == grading.os.environ["PATH"]
