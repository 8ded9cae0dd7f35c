"""`workshop grade` survives what real submissions contain. Each bad submission costs only its own
points, with the reason in the feedback, and everyone else is graded. These lesson 01 submissions
are graded with the round-trip ones in one run (``graded_class``; see class_submissions.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from class_submissions import EXTRA_FILE, FULL_01, LESSON_01, LESSON_01_SUBMISSIONS, GradedClass

from workshop_utils.paths import feedback_page


@pytest.mark.parametrize("student", list(LESSON_01_SUBMISSIONS))
def test_each_submission_costs_only_its_own_points(graded_class: GradedClass, student):
    _, expected, words = LESSON_01_SUBMISSIONS[student]
    row = graded_class.row(student, LESSON_01)
    assert (float(row["score"]), float(row["max_score"])) == (expected, FULL_01), row
    feedback = feedback_page(graded_class.out, student, LESSON_01).read_text()
    for phrase in words:
        assert phrase in feedback, f"{student}: feedback should say '{phrase}'"


def test_extra_files_are_ignored_and_named(graded_class: GradedClass):
    assert float(graded_class.row("full_marks", LESSON_01)["score"]) == FULL_01
    assert EXTRA_FILE in feedback_page(graded_class.out, "full_marks", LESSON_01).read_text()


def test_bad_arguments_get_a_clear_error(tmp_path):
    workshop = str(Path(sys.executable).parent / "workshop")
    run = subprocess.run([workshop, "grade", str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert run.returncode == 2 and "is not a folder" in run.stderr
    run = subprocess.run([workshop, "grade", str(tmp_path), "--memory-limit", "lots"], capture_output=True, text=True)
    assert run.returncode == 2 and "not a memory size" in run.stderr
