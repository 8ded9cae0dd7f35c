"""The grades table ``OUT/grades.csv``: one row per student and lesson, with the autograded
score and maximum (written answers are graded by hand, elsewhere) and whether the submission
was graded in the sandbox (``yes``; ``no`` after ``workshop grade --no-sandbox``). The file is
written whole in one step: a run stopped part-way leaves no table or a complete one.

Example:
    >>> grades_csv_path(Path("graded")).as_posix()
    'graded/grades.csv'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from workshop_tools.grading.atomic_files import write_atomically
from workshop_tools.grading.grade_result import GradeResult

COLUMNS = ("student", "assignment", "score", "max_score", "sandbox")


def grades_csv_path(out: Path) -> Path:
    """Where ``workshop grade`` writes the table in its output folder."""
    return Path(out) / "grades.csv"


def write_grades(results: Iterable[GradeResult], out: Path) -> Path:
    """Write one row per result, in the order given (scores as short numbers: 9, 7.5), replacing
    the table in one step; return the file's path."""
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(COLUMNS)
    for result in results:
        writer.writerow([result.student, result.assignment, f"{result.score:g}", f"{result.max_score:g}",
                         "yes" if result.sandboxed else "no"])
    return write_atomically(grades_csv_path(out), table.getvalue())
