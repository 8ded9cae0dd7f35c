"""One class of submissions, graded by one `workshop grade` run that the grading tests share.

Every lesson under test (and lesson 01 always) is submitted three ways: the solution
(``full_marks``), the released notebook (``blank``) and the solution with its first exercise put
back to the stub (``one_unanswered``). Lesson 01 is also submitted by students whose notebooks are
wrong or hostile (``LESSON_01_SUBMISSIONS``); they submitted no other lesson, so they score zero
on the others. Grading them all in one run keeps the two grading jobs busy while one submission
hangs until the cell time limit.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from chosen_lessons import lessons_under_test

from workshop_tools.grading.grade_cells import autograded_max
from workshop_utils.paths import released_notebook, source_notebook, submitted_notebook

LESSON_01 = "01_monotonic_xgboost"
FULL_01 = autograded_max("01_monotonic_xgboost")  # ex1 2, ex2 3, ex3 2, ex4 2, two concept questions 1 each

CELL_TIMEOUT = 150
"""Seconds a cell may run: about 5 times the slowest cell of any lesson (lesson 08's, about 25 s
alone), so only the hanging submission meets it."""

MEMORY_LIMIT = "4G"
"""Room for a lesson's kernel and Java (at most 3 GB), well under the memory bomb's 6 GiB."""

EXTRA_FILE = "my_notes.txt"
"""A file beside full_marks' lesson 01 notebook: grading ignores it and says so."""

Submission = nbformat.NotebookNode | str | Path | None
"""A notebook, raw text, a file to copy as it is, or None for a lesson folder without a notebook."""


def solved(lesson: str = LESSON_01) -> nbformat.NotebookNode:
    """The lesson's solution notebook, read afresh."""
    return nbformat.read(source_notebook(lesson), 4)


def graded_cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    """The cell with nbgrader id ``grade_id``."""
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def with_answer(grade_id: str, source: str) -> nbformat.NotebookNode:
    """Lesson 01's solution, with one exercise's solution cell replaced by ``source``."""
    notebook = solved()
    graded_cell(notebook, grade_id).source = source
    return notebook


def without_cell(grade_id: str) -> nbformat.NotebookNode:
    """Lesson 01's solution without one cell."""
    notebook = solved()
    notebook.cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return notebook


def edited_test_and_wrong_answer() -> nbformat.NotebookNode:
    """A wrong first answer whose test the student emptied."""
    notebook = with_answer("ex1_constraints", "def constraints_by_hand(frame, inputs, target):\n"
                                              "    return {name: 1 for name in inputs}")
    graded_cell(notebook, "ex1_constraints_test").source = "pass  # nothing to see here"
    return notebook


def sign_flipped() -> nbformat.NotebookNode:
    """A realistic wrong answer to lesson 01's first exercise: every constraint the wrong way."""
    notebook = solved()
    cell = graded_cell(notebook, "ex1_constraints")
    assert "int(np.sign(r))" in cell.source
    cell.source = cell.source.replace("int(np.sign(r))", "-int(np.sign(r))")
    return notebook


def first_exercise_unanswered(lesson: str) -> tuple[nbformat.NotebookNode, float]:
    """The solution with its first exercise put back to the released stub, and the points the
    tests right after that exercise are worth."""
    solution = solved(lesson)
    blank = nbformat.read(released_notebook(lesson), 4)
    blank_by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in blank.cells if "grade_id" in c.metadata.get("nbgrader", {})}
    lost, position = 0.0, None
    for index, cell in enumerate(solution.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            if position is not None:
                break
            position = index
            solution.cells[index] = blank_by_id[meta["grade_id"]]
        elif position is not None and meta.get("grade") and cell.cell_type == "code":
            lost += meta["points"]
    return solution, lost


LESSON_01_SUBMISSIONS: dict[str, tuple[Submission, float, list[str]]] = {
    # student: (submission, expected score, words the feedback must hold)
    "sign_flipped": (sign_flipped(), FULL_01 - 2, ["ex1_constraints_test", "ExerciseFailed", "signs are reversed"]),
    "hangs": (with_answer("ex3_monotone", "while True:\n    pass"), FULL_01 - 2, ["time limit"]),
    "memory_bomb": (with_answer("ex2_pd", "hog = b'x' * (6 * 1024 ** 3)"), FULL_01 - 3, ["memory limit"]),
    "kills_kernel": (with_answer("ex4_reasons", "import os\nos._exit(1)"), FULL_01 - 2, ["kernel died"]),
    "edits_a_test": (edited_test_and_wrong_answer(), FULL_01 - 2, ["ex1_constraints_test was edited"]),
    "deletes_a_test": (without_cell("ex2_pd_test"), FULL_01, ["ex2_pd_test was deleted"]),
    "not_json": ('{"cells": [', 0.0, ["not valid Jupyter JSON"]),
    "not_a_notebook": ("{}", 0.0, ["not valid Jupyter JSON"]),
    "missing": (None, 0.0, ["no notebook found"]),
}


def class_lessons() -> list[str]:
    """The lessons graded: those under test, and lesson 01 (the hostile submissions' lesson)."""
    return sorted({*lessons_under_test(), LESSON_01})


def submit(submitted: Path, student: str, lesson: str, submission: Submission) -> None:
    """Put one submission where `workshop grade` looks for it."""
    path = submitted_notebook(submitted, student, lesson)
    path.parent.mkdir(parents=True)
    if isinstance(submission, nbformat.NotebookNode):
        nbformat.write(submission, path)
    elif isinstance(submission, str):
        path.write_text(submission)
    elif isinstance(submission, Path):
        shutil.copy(submission, path)


def write_class(submitted: Path, lessons: list[str]) -> dict[tuple[str, str], float]:
    """Write every submission into ``submitted``; the score each (student, lesson) should earn."""
    expected = {}
    for lesson in lessons:
        full = autograded_max(lesson)
        unanswered, lost = first_exercise_unanswered(lesson)
        for student, submission, score in (("full_marks", source_notebook(lesson), full),
                                           ("blank", released_notebook(lesson), 0.0),
                                           ("one_unanswered", unanswered, full - lost)):
            submit(submitted, student, lesson, submission)
            expected[student, lesson] = score
    for student, (submission, score, _) in LESSON_01_SUBMISSIONS.items():
        submit(submitted, student, LESSON_01, submission)
        expected.update({(student, lesson): score if lesson == LESSON_01 else 0.0 for lesson in lessons})
    (submitted_notebook(submitted, "full_marks", LESSON_01).parent / EXTRA_FILE).write_text("scratch work")
    return expected


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Content hash and modification time of every file under ``folder``."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class GradedClass:
    """What the grading run produced, and what it should have."""

    header: list[str]
    rows: list[dict[str, str]]
    expected: dict[tuple[str, str], float]  # by (student, lesson)
    out: Path
    unchanged: bool  # the submissions' bytes and times are as before grading

    def row(self, student: str, lesson: str) -> dict[str, str]:
        """The grades.csv row of one student and lesson."""
        return next(r for r in self.rows if (r["student"], r["assignment"]) == (student, lesson))


def grade_whole_class(submitted: Path, out: Path) -> GradedClass:
    """Write the class, grade it with one `workshop grade` run (two jobs at once), read the grades."""
    lessons = class_lessons()
    expected = write_class(submitted, lessons)
    before = snapshot(submitted)
    run = subprocess.run([str(Path(sys.executable).parent / "workshop"), "grade", str(submitted), "--out", str(out),
                          "--jobs", "2", "--cell-timeout", str(CELL_TIMEOUT), "--memory-limit", MEMORY_LIMIT,
                          *[arg for lesson in lessons for arg in ("--lesson", lesson)]],
                         capture_output=True, text=True, timeout=3600)
    assert run.returncode == 0, run.stderr[-3000:]
    with open(out / "grades.csv") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    return GradedClass(list(reader.fieldnames or []), rows, expected, out, before == snapshot(submitted))
