"""`workshop grade` survives what real submissions contain. Each bad submission costs only its own
points, with the reason in the feedback; everyone else is graded; the files are never changed."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workshop_utils.paths import PROJECT_ROOT, SOLUTIONS

LESSON = "01_monotonic_xgboost"
SOLUTION = PROJECT_ROOT / SOLUTIONS / LESSON / f"{LESSON}.ipynb"
FULL = 9.0  # ex1 2, ex2 3, ex3 2, ex4 2 autograded points


def solved() -> nbformat.NotebookNode:
    return nbformat.read(SOLUTION, 4)


def with_answer(grade_id: str, source: str) -> nbformat.NotebookNode:
    """The solution, with one exercise's solution cell replaced by ``source``."""
    notebook = solved()
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source = source
    return notebook


def without_cell(grade_id: str) -> nbformat.NotebookNode:
    notebook = solved()
    notebook.cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return notebook


def edited_test_and_wrong_answer() -> nbformat.NotebookNode:
    notebook = with_answer("ex1_constraints", "def constraints_by_hand(frame, inputs, target):\n"
                                              "    return {name: 1 for name in inputs}")
    test = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex1_constraints_test")
    test.source = "pass  # nothing to see here"
    return notebook


SUBMISSIONS = {
    # student: (notebook or raw text or None, expected score, words the feedback must hold)
    "good": (solved(), FULL, []),
    "hangs": (with_answer("ex3_monotone", "while True:\n    pass"), FULL - 2, ["time limit"]),
    "memory_bomb": (with_answer("ex2_pd", "hog = b'x' * (6 * 1024 ** 3)"), FULL - 3, ["memory limit"]),
    "kills_kernel": (with_answer("ex4_reasons", "import os\nos._exit(1)"), FULL - 2, ["kernel died"]),
    "edits_a_test": (edited_test_and_wrong_answer(), FULL - 2, ["ex1_constraints_test was edited"]),
    "deletes_a_test": (without_cell("ex2_pd_test"), FULL, ["ex2_pd_test was deleted"]),
    "not_json": ('{"cells": [', 0.0, ["not valid Jupyter JSON"]),
    "not_a_notebook": ("{}", 0.0, ["not valid Jupyter JSON"]),
    "missing": (None, 0.0, ["no notebook found"]),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    submitted = tmp_path_factory.mktemp("class")
    for student, (content, _, _) in SUBMISSIONS.items():
        folder = submitted / student / LESSON
        folder.mkdir(parents=True)
        if isinstance(content, nbformat.NotebookNode):
            nbformat.write(content, folder / f"{LESSON}.ipynb")
        elif isinstance(content, str):
            (folder / f"{LESSON}.ipynb").write_text(content)
    (submitted / "good" / LESSON / "my_notes.txt").write_text("scratch work")
    before = {p: p.read_bytes() for p in submitted.rglob("*") if p.is_file()}
    out = tmp_path_factory.mktemp("graded")
    run = subprocess.run([str(Path(sys.executable).parent / "workshop"), "grade", str(submitted), "--out", str(out),
                          "--jobs", "2", "--cell-timeout", "90", "--memory-limit", "2G"],
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stderr[-3000:]
    after = {p: p.read_bytes() for p in submitted.rglob("*") if p.is_file()}
    with open(out / "grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return {"rows": rows, "out": out, "unchanged": before == after}


@pytest.mark.parametrize("student", list(SUBMISSIONS))
def test_each_submission_costs_only_its_own_points(graded, student):
    _, expected, words = SUBMISSIONS[student]
    row = graded["rows"][student]
    assert (float(row["score"]), float(row["max_score"])) == (expected, FULL), row
    feedback = (graded["out"] / "feedback" / student / f"{LESSON}.html").read_text()
    for phrase in words:
        assert phrase in feedback, f"{student}: feedback should say '{phrase}'"


def test_extra_files_are_ignored_and_named(graded):
    feedback = (graded["out"] / "feedback" / "good" / f"{LESSON}.html").read_text()
    assert "my_notes.txt" in feedback


def test_submissions_are_left_untouched(graded):
    assert graded["unchanged"]


def test_bad_arguments_get_a_clear_error(tmp_path):
    workshop = str(Path(sys.executable).parent / "workshop")
    run = subprocess.run([workshop, "grade", str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert run.returncode == 2 and "is not a folder" in run.stderr
    run = subprocess.run([workshop, "grade", str(tmp_path), "--memory-limit", "lots"], capture_output=True, text=True)
    assert run.returncode == 2 and "not a memory size" in run.stderr
