"""``OUT/canvas.csv``: the final grades in the Canvas LMS Gradebook import format (Grades,
Import): the columns ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column per
lesson (a lesson Canvas does not have yet becomes a new assignment), a ``Points Possible`` row
under the header, one row per student with each lesson's total, then ``Final Points`` (the sum,
a column Canvas reads as its own calculated total and ignores on import) and ``Notes`` (the
instructor's comments; Canvas imports it into its Notes column when that column is shown).

The student's folder name is written as the Student and the SIS Login ID (how Canvas matches
rows when the Canvas ID is left blank); ID, SIS User ID and Section are left blank.

Example:
    >>> print(canvas_text([FinalGrade("ann", "01_x", 7, 9, 2.5, 3, False, ["ex5: good"])]), end="")
    Student,ID,SIS User ID,SIS Login ID,Section,01_x,Final Points,Notes
    Points Possible,,,,,12,12,
    ann,,,ann,,9.5,9.5,01_x ex5: good
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from workshop_tools.class_gradebook.gradebook_table import FinalGrade
from workshop_tools.grading.atomic_files import write_atomically

CANVAS_FILE = "canvas.csv"
STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def canvas_text(grades: Iterable[FinalGrade]) -> str:
    """The Canvas import CSV for the final grades."""
    grades = list(grades)
    lessons = sorted({grade.assignment for grade in grades})
    possible = {grade.assignment: grade.total_max for grade in grades}
    by_student: dict[str, dict[str, FinalGrade]] = {}
    for grade in grades:
        by_student.setdefault(grade.student, {})[grade.assignment] = grade
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([*STUDENT_COLUMNS, *lessons, "Final Points", "Notes"])
    writer.writerow(["Points Possible", "", "", "", "", *(f"{possible[lesson]:g}" for lesson in lessons),
                     f"{sum(possible.values()):g}", ""])
    for student, mine in sorted(by_student.items()):
        notes = [f"{lesson} {comment}" for lesson in lessons if lesson in mine for comment in mine[lesson].comments]
        writer.writerow([student, "", "", student, "",
                         *(f"{mine[lesson].total:g}" if lesson in mine else "" for lesson in lessons),
                         f"{sum(grade.total for grade in mine.values()):g}", " | ".join(notes)])
    return text.getvalue()


def write_canvas_csv(grades: Iterable[FinalGrade], out: Path) -> Path:
    """Write ``out/canvas.csv`` (all at once); return its path."""
    path = Path(out) / CANVAS_FILE
    write_atomically(path, canvas_text(grades))
    return path
