"""The grading process's entry point: the command line it is started with is the one it reads,
and it prints its result as the last line of its output, with the feedback page written."""

from __future__ import annotations

import importlib.util

from workshop_tools.grading import worker
from workshop_utils.paths import feedback_page

LESSON = "01_monotonic_xgboost"


def test_the_command_runs_this_module(tmp_path):
    command = worker.worker_command("ann", LESSON, tmp_path / "n.ipynb", 90, "2G", tmp_path / "out")
    assert command[1:3] == ["-m", worker.__name__] and importlib.util.find_spec(command[2]) is not None
    assert command[3:] == ["ann", LESSON, str(tmp_path / "n.ipynb"), "90", "2G", str(tmp_path / "out")]


def test_main_prints_the_result_and_writes_feedback(tmp_path, capsys):
    command = worker.worker_command("ann", LESSON, tmp_path / "absent.ipynb", 90, "2G", tmp_path / "out")
    worker.main(command[3:])
    result = worker.read_result("some log line\n" + capsys.readouterr().out)
    assert (result.student, result.score, result.max_score) == ("ann", 0.0, 9.0)
    assert result.feedback_html == str(feedback_page(tmp_path / "out", "ann", LESSON))


def test_no_output_is_no_result():
    assert worker.read_result("  \n") is None
