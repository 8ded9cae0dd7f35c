"""The grades table: a header, then one row per result in the order given, scores written short,
whether each was sandboxed, and the file replaced whole (no half-written table, no leftovers)."""

from __future__ import annotations

import csv

import pytest

from workshop_tools.grading import atomic_files
from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.grading.grades_csv import grades_csv_path, write_grades


def test_one_row_per_result_with_short_numbers(tmp_path):
    results = [GradeResult("ann", "01_monotonic_xgboost", 9.0, 9.0),
               GradeResult("bob, jr", "01_monotonic_xgboost", 7.5, 9.0, ["a note"], sandboxed=False)]
    path = write_grades(results, tmp_path)
    assert path == grades_csv_path(tmp_path) == tmp_path / "grades.csv"
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["student", "assignment", "score", "max_score", "sandbox"],
                    ["ann", "01_monotonic_xgboost", "9", "9", "yes"],
                    ["bob, jr", "01_monotonic_xgboost", "7.5", "9", "no"]]
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"], "no temporary file left behind"


def test_no_results_still_writes_the_header(tmp_path):
    assert write_grades([], tmp_path).read_text().splitlines() == ["student,assignment,score,max_score,sandbox"]


def test_a_write_that_fails_leaves_the_old_table(tmp_path, monkeypatch):
    write_grades([GradeResult("ann", "01_x", 9.0, 9.0)], tmp_path)
    before = grades_csv_path(tmp_path).read_text()

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_files.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_grades([GradeResult("bob", "01_x", 1.0, 9.0)], tmp_path)
    assert grades_csv_path(tmp_path).read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]
