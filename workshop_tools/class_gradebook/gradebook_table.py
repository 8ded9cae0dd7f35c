"""The final points of every submission, read from the class gradebook: the autograded cells'
points (an instructor's adjustment included), the written answers' points given by hand, whether
any written answer is still to be graded (or checked again), and the instructor's comments.

Example:
    >>> grade = FinalGrade("ann", "01_x", 7, 9, 2.5, 3, False, ["ex5_written: good"])
    >>> grade.total, grade.total_max
    (9.5, 12)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from workshop_tools.nbgrader_course import course_file, gradebook_url
from workshop_tools.settings import COURSE_ID


@dataclass
class FinalGrade:
    """One student's final points for one lesson."""

    student: str
    assignment: str
    score: float
    max_score: float
    manual_score: float
    manual_max: float
    ungraded_written: bool
    comments: list[str] = field(default_factory=list)
    fingerprint: str = ""
    """Changes whenever any cell's points, flag or comment does (the feedback page shows each)."""

    @property
    def total(self) -> float:
        """Autograded and hand-graded points together."""
        return self.score + self.manual_score

    @property
    def total_max(self) -> float:
        """The lesson's points in all."""
        return self.max_score + self.manual_max


def cell_order(course: Path, lesson: str) -> dict[str, int]:
    """Position of each graded or answer cell in the lesson's source, by grade id."""
    notebook = nbformat.read(course_file(course, "source", lesson), as_version=4)
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in notebook.cells]
    return {grade_id: index for index, grade_id in enumerate(ids) if grade_id}


def final_grade(submission, order: dict[str, int]) -> FinalGrade:
    """The final points of one submission (an nbgrader ``SubmittedAssignment``)."""
    grades = sorted((grade for notebook in submission.notebooks for grade in notebook.grades),
                    key=lambda grade: order.get(grade.name, len(order)))
    comments = sorted((comment for notebook in submission.notebooks for comment in notebook.comments),
                      key=lambda comment: order.get(comment.name, len(order)))
    cells = [(g.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade) for g in grades]
    cells += [(c.name, c.auto_comment, c.manual_comment) for c in comments]
    code = [grade for grade in grades if grade.cell.cell_type == "code"]
    written = [grade for grade in grades if grade.cell.cell_type != "code"]
    return FinalGrade(
        submission.student.id, submission.assignment.name,
        sum(grade.score or 0.0 for grade in code), sum(grade.max_score for grade in code),
        sum(grade.score or 0.0 for grade in written), sum(grade.max_score for grade in written),
        any(grade.needs_manual_grade for grade in written) or any(
            grade.needs_manual_grade and grade.manual_score is not None for grade in code),
        [f"{comment.name}: {comment.manual_comment.strip()}" for comment in comments
         if comment.manual_comment and comment.manual_comment.strip()],
        hashlib.sha256(repr(cells).encode()).hexdigest())


def read_final_grades(course: Path) -> list[FinalGrade]:
    """Every submission's final points in the class course, by student then lesson."""
    from nbgrader.api import Gradebook

    grades = []
    with Gradebook(gradebook_url(course), COURSE_ID) as book:
        for assignment in book.assignments:
            order = cell_order(course, assignment.name)
            grades += [final_grade(submission, order) for submission in assignment.submissions]
    return sorted(grades, key=lambda grade: (grade.student, grade.assignment))
