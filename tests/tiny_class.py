"""A tiny lesson (one code exercise worth 2 points, one written question worth 3 with its rubric
hidden from students) in a course folder of its own, and a class of students' answers to it
graded the way `workshop grade` grades each: for the class-gradebook tests, in seconds."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from workshop_tools.class_gradebook.course import prepare_class_course
from workshop_tools.class_gradebook.recording import record_autograded
from workshop_tools.grading.autograde import STUDENT_ID, grade_submission
from workshop_tools.nbgrader_course import course_file, gradebook_url
from workshop_tools.settings import COURSE_ID
from workshop_utils.paths import SOLUTIONS, lesson_notebook, submitted_notebook

LESSON = "01_tiny"
WRITTEN_ID = "q_written"
RUBRIC = "**Rubric (3 points).** 1 point: names the input. 2 points: says why it matters."
MODEL_ANSWER = "The input is `x`, and it matters because the model reads it."
CODE_POINTS, WRITTEN_POINTS = 2.0, 3.0


def nbgrader_meta(grade_id: str, *, grade: bool, solution: bool, points: float = 0, locked: bool = False) -> dict:
    """The metadata nbgrader gives a cell in the source notebook."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    return {"nbgrader": {**meta, "points": points} if grade else meta}


def written_cell(answer: str) -> nbformat.NotebookNode:
    """The written question's answer cell holding ``answer``."""
    return new_markdown_cell(answer, metadata=nbgrader_meta(WRITTEN_ID, grade=True, solution=True,
                                                            points=WRITTEN_POINTS))


def lesson_notebook_with(code: str, written: str) -> nbformat.NotebookNode:
    """The lesson with ``code`` as the exercise's answer and ``written`` as the written answer."""
    return new_notebook(cells=[
        new_markdown_cell("# A tiny lesson\nWrite `double`, then say which input matters."),
        new_code_cell(code, metadata=nbgrader_meta("ex_double", grade=False, solution=True)),
        new_code_cell("assert double(2) == 4", metadata=nbgrader_meta("ex_double_test", grade=True, solution=False,
                                                                      points=CODE_POINTS, locked=True)),
        new_markdown_cell("Which input matters, and why?"),
        written_cell(written),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def make_course_root(root: Path) -> Path:
    """A course checkout holding the tiny lesson's source (solutions and the hidden rubric)."""
    written = f"### BEGIN SOLUTION\n{MODEL_ANSWER}\n### END SOLUTION\n### BEGIN HIDDEN TESTS\n{RUBRIC}\n### END HIDDEN TESTS"
    source = lesson_notebook_with("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                                  written)
    path = lesson_notebook(root / SOLUTIONS, LESSON)
    path.parent.mkdir(parents=True)
    nbformat.write(source, path)
    return root


def submission(right: bool, written: str) -> nbformat.NotebookNode:
    """A student's notebook: the exercise right or wrong, and their written answer."""
    return lesson_notebook_with(f"def double(x):\n    return {'2 * x' if right else 'x + 1'}", written)


ANSWERS = {"ann": "It is `x`: the model reads nothing else.", "bob": "Probably the weather."}
"""The written answers of the students who submitted; ann's code is right, bob's wrong, and cara
submitted nothing (graded zero without a notebook)."""

RUNS = itertools.count()


@dataclass
class GradedClass:
    """A course checkout with the tiny lesson, a class's submissions and the grading output."""

    root: Path
    submitted: Path
    out: Path
    scratch: Path

    def submit(self, student: str, notebook: nbformat.NotebookNode) -> Path:
        """Write (or replace) a student's submission."""
        path = submitted_notebook(self.submitted, student, LESSON)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
        return path

    def grade_and_record(self, student: str) -> str | None:
        """Grade the student's submission as a grading process does, then record it in the class
        gradebook as the grading parent does; return what the instructor is told."""
        path = submitted_notebook(self.submitted, student, LESSON)
        scratch = self.scratch / f"{student}-{next(RUNS)}"
        result = grade_submission(student, LESSON, path, scratch, root=self.root)
        autograded = course_file(scratch, "autograded", LESSON, STUDENT_ID)
        content = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"
        return record_autograded(self.out, student, LESSON, autograded if autograded.exists() else None,
                                 content, result.notes, path if path.exists() else None)

    def gradebook(self):
        """The class gradebook (nbgrader's API), to use in a ``with`` block."""
        from nbgrader.api import Gradebook

        return Gradebook(gradebook_url(self.out.absolute() / "course"), COURSE_ID)


def graded_class(base: Path) -> GradedClass:
    """The tiny class graded into ``base/graded``: ann, bob and cara (who submitted nothing)."""
    (base / "submitted" / "cara").mkdir(parents=True)
    graded = GradedClass(make_course_root(base / "root"), base / "submitted", base / "graded", base / "scratch")
    for student, answer in ANSWERS.items():
        graded.submit(student, submission(student == "ann", answer))
    prepare_class_course(graded.out, [LESSON], graded.root)
    for student in ("ann", "bob", "cara"):
        assert graded.grade_and_record(student) is None
    return graded


def grade_by_hand(graded: GradedClass, student: str, points: float, comment: str) -> None:
    """Enter points and a comment for the student's written answer, as the formgrader does."""
    with graded.gradebook() as book:
        grade = book.find_grade(WRITTEN_ID, LESSON, LESSON, student)
        grade.manual_score = points
        grade.needs_manual_grade = False
        book.find_comment(WRITTEN_ID, LESSON, LESSON, student).manual_comment = comment
        book.db.commit()
