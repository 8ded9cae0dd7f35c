"""The grades table: a header, then one row per result in the order given, scores written short."""

from __future__ import annotations

import csv

from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.grading.grades_csv import grades_csv_path, write_grades


def test_one_row_per_result_with_short_numbers(tmp_path):
    results = [GradeResult("ann", "01_monotonic_xgboost", 9.0, 9.0),
               GradeResult("bob, jr", "01_monotonic_xgboost", 7.5, 9.0, ["a note"])]
    path = write_grades(results, tmp_path)
    assert path == grades_csv_path(tmp_path) == tmp_path / "grades.csv"
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["student", "assignment", "score", "max_score"],
                    ["ann", "01_monotonic_xgboost", "9", "9"],
                    ["bob, jr", "01_monotonic_xgboost", "7.5", "9"]]


def test_no_results_still_writes_the_header(tmp_path):
    assert write_grades([], tmp_path).read_text().splitlines() == ["student,assignment,score,max_score"]
