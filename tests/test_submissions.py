"""Finding and reading submissions: every student gets every lesson anyone submitted (a missing
notebook is kept, to be graded zero), bad arguments are refused with the fix, and a notebook
that is not valid Jupyter JSON is a reason, not a crash."""

from __future__ import annotations

import pytest

from workshop_tools.grading.submissions import extra_files_note, find_submissions, read_submission
from workshop_utils.paths import submitted_notebook

LESSON = "01_monotonic_xgboost"


def test_every_student_is_graded_on_every_lesson_submitted(tmp_path):
    submitted_notebook(tmp_path, "ann", LESSON).parent.mkdir(parents=True)
    (tmp_path / "bob").mkdir()
    (tmp_path / ".hidden").mkdir()
    assert find_submissions(tmp_path) == [("ann", LESSON, submitted_notebook(tmp_path, "ann", LESSON)),
                                          ("bob", LESSON, submitted_notebook(tmp_path, "bob", LESSON))]
    assert find_submissions(tmp_path, ["02_surrogate_tree_loco"])[0][1] == "02_surrogate_tree_loco"


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        find_submissions(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="unknown lesson"):
        find_submissions(tmp_path, ["99_nope"])


@pytest.mark.parametrize("content", ['{"cells": [', "{}", ""])
def test_a_broken_notebook_is_a_reason(tmp_path, content):
    path = submitted_notebook(tmp_path, "ann", LESSON)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    notebook, reason = read_submission(path)
    assert notebook is None and reason.startswith("the notebook is not valid Jupyter JSON")


def test_files_beside_the_notebook_are_named(tmp_path):
    path = submitted_notebook(tmp_path, "ann", LESSON)
    assert extra_files_note(path) == []
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    (path.parent / "notes.txt").write_text("x")
    (path.parent / ".ipynb_checkpoints").mkdir()
    assert extra_files_note(path) == ["ignored the other files in your lesson folder: notes.txt"]
