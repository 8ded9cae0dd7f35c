"""``OUT/grades.csv`` once the written answers are graded: the four columns ``workshop grade``
writes (``student,assignment,score,max_score``: ``score`` is the autograded cells' points, with
any adjustment the instructor made), any other columns it wrote (kept as they were), then the
manual points and their maximum, the total and its maximum, ``ungraded_written`` ("yes" while a
written answer is not graded, or a hand-set grade must be checked again) and the instructor's
comments (``cell: comment``, joined by `` | ``).

Example:
    >>> final_row(FinalGrade("ann", "01_x", 7, 9, 2.5, 3, True, ["ex5: good", "ex2: ok"]))["comments"]
    'ex5: good | ex2: ok'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from workshop_tools.class_gradebook.gradebook_table import FinalGrade
from workshop_tools.grading.atomic_files import write_atomically
from workshop_tools.grading.grades_csv import COLUMNS, grades_csv_path

BASE_COLUMNS = COLUMNS[:4]
"""student, assignment, score, max_score: the columns every grades table opens with."""

FINAL_COLUMNS = ("manual_score", "manual_max", "total", "total_max", "ungraded_written", "comments")


def final_row(grade: FinalGrade) -> dict[str, str]:
    """The table's cells for one final grade (numbers short: 9, 7.5)."""
    numbers = (grade.score, grade.max_score, grade.manual_score, grade.manual_max, grade.total, grade.total_max)
    names = (*BASE_COLUMNS[2:], *FINAL_COLUMNS[:4])
    return {"student": grade.student, "assignment": grade.assignment,
            **{name: f"{value:g}" for name, value in zip(names, numbers, strict=True)},
            "ungraded_written": "yes" if grade.ungraded_written else "no",
            "comments": " | ".join(grade.comments)}


def earlier_rows(path: Path) -> tuple[list[str], dict[tuple[str, str], dict[str, str]]]:
    """The columns ``workshop grade`` added beyond the first four (``sandbox``), and its rows by
    (student, lesson); nothing when there is no table yet."""
    if not path.exists():
        return [], {}
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        rows = {(row["student"], row["assignment"]): row for row in reader}
        extra = [name for name in reader.fieldnames or [] if name not in BASE_COLUMNS and name not in FINAL_COLUMNS]
    return extra, rows


def write_final_grades(grades: Iterable[FinalGrade], out: Path) -> Path:
    """Rewrite ``out/grades.csv`` (all at once) with the final grades; return its path."""
    path = grades_csv_path(out)
    extra, before = earlier_rows(path)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=[*BASE_COLUMNS, *extra, *FINAL_COLUMNS], lineterminator="\n")
    writer.writeheader()
    for grade in grades:
        kept = before.get((grade.student, grade.assignment), {})
        writer.writerow({**{name: kept.get(name, "") for name in extra}, **final_row(grade)})
    write_atomically(path, text.getvalue())
    return path
