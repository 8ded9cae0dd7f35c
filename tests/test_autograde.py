"""Inside one grading process: the notes on cells that failed when autograded, and a submission
that cannot be read is graded zero before nbgrader is started."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_notebook, new_output

from workshop_tools.grading.autograde import failed_cell_notes, grade_submission
from workshop_tools.grading.grade_cells import autograded_max
from workshop_tools.safe_execution import KERNEL_DIED, failure_output

LESSON = "01_monotonic_xgboost"


def cell(grade_id: str | None, *outputs, points: int = 0, grade: bool = False):
    meta = {"nbgrader": {"grade_id": grade_id, "grade": grade, "points": points}} if grade_id else {}
    return new_code_cell("x", metadata=meta, outputs=list(outputs))


def error(name: str, value: str):
    return new_output("error", ename=name, evalue=value, traceback=[])


def test_each_lost_point_and_each_restart_is_explained():
    notebook = new_notebook(cells=[
        cell("ex1", error("NameError", "name 'f' is not defined")),  # a solution cell's error costs nothing itself
        cell("ex1_test", error("AssertionError", ""), points=2, grade=True),
        cell("ex2_test", error("CellTimeoutError", "timed out"), points=3, grade=True),
        cell(None, failure_output(KERNEL_DIED, "the kernel died while running this cell")),
        cell("ex3_test", points=2, grade=True),
    ])
    assert failed_cell_notes(notebook) == [
        "ex1_test (2 points): AssertionError",
        "ex2_test (3 points): ran past the per-cell time limit",
        "cell 4 KernelDied: the kernel died while running this cell; a fresh kernel re-ran the cells before it "
        "and grading went on",
    ]


def test_a_missing_notebook_scores_zero_out_of_the_lesson_points(tmp_path):
    result = grade_submission("ann", LESSON, tmp_path / "absent.ipynb", tmp_path / "scratch")
    assert (result.score, result.max_score) == (0.0, autograded_max(LESSON))
    assert result.notes[0].startswith("no notebook found") and result.feedback_html is None
    assert not (tmp_path / "scratch").exists(), "nbgrader never started"
