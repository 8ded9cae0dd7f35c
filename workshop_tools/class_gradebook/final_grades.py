"""``workshop grades OUT``: the final grades once the written answers are graded by hand, all
read from the class gradebook in ``OUT/course/``: ``OUT/grades.csv`` with the manual points and
totals, ``OUT/canvas.csv`` for the LMS, and every feedback page rewritten with the instructor's
points and comments.

Example:
    >>> report = finish_grades(Path("graded"))  # doctest: +SKIP
    >>> report.still_to_grade  # doctest: +SKIP
    ['bob/01_monotonic_xgboost']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workshop_tools.class_gradebook.course import class_course
from workshop_tools.class_gradebook.final_csv import write_final_grades
from workshop_tools.class_gradebook.final_feedback import write_final_feedback
from workshop_tools.class_gradebook.gradebook_table import read_final_grades
from workshop_tools.class_gradebook.lms_export import write_canvas_csv


@dataclass
class FinalReport:
    """What ``finish_grades`` wrote, and the submissions whose written answers still need grading."""

    grades_csv: Path
    canvas_csv: Path
    feedback: list[Path] = field(default_factory=list)
    still_to_grade: list[str] = field(default_factory=list)


def finish_grades(out: Path) -> FinalReport:
    """Write the final ``grades.csv``, ``canvas.csv`` and feedback pages in ``out``."""
    course = class_course(out)
    if not (course / "gradebook.db").exists():
        raise FileNotFoundError(f"{course} holds no gradebook. Fix: run `workshop grade SUBMITTED --out {out}` first.")
    grades = read_final_grades(course)
    return FinalReport(write_final_grades(grades, out), write_canvas_csv(grades, out),
                       write_final_feedback(grades, out),
                       [f"{grade.student}/{grade.assignment}" for grade in grades if grade.ungraded_written])
