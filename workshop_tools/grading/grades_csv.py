"""The grades table ``OUT/grades.csv``: one row per student and lesson, with the autograded
score and maximum (written answers are graded by hand, elsewhere).

Example:
    >>> grades_csv_path(Path("graded")).as_posix()
    'graded/grades.csv'
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from workshop_tools.grading.grade_result import GradeResult

COLUMNS = ("student", "assignment", "score", "max_score")


def grades_csv_path(out: Path) -> Path:
    """Where ``workshop grade`` writes the table in its output folder."""
    return Path(out) / "grades.csv"


def write_grades(results: Iterable[GradeResult], out: Path) -> Path:
    """Write one row per result, in the order given (scores as short numbers: 9, 7.5); return
    the file's path."""
    path = grades_csv_path(out)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for result in results:
            writer.writerow([result.student, result.assignment, f"{result.score:g}", f"{result.max_score:g}"])
    return path
