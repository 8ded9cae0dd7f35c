"""The grading process's entry point: the command line it is started with is the one it reads,
it grades inside the scratch folder it is given and prints its result as the last line of its
output; output that is not a result is no result."""

from __future__ import annotations

import importlib.util

from workshop_tools.grading import worker
from workshop_tools.grading.grade_cells import autograded_max

LESSON = "01_monotonic_xgboost"


def test_the_command_runs_this_module(tmp_path):
    command = worker.worker_command("ann", LESSON, tmp_path / "n.ipynb", 90, "2G", tmp_path / "scratch")
    assert command[1:3] == ["-m", worker.__name__] and importlib.util.find_spec(command[2]) is not None
    assert command[3:] == ["ann", LESSON, str(tmp_path / "n.ipynb"), "90", "2G", str(tmp_path / "scratch")]


def test_main_prints_the_result(tmp_path, capsys):
    command = worker.worker_command("ann", LESSON, tmp_path / "absent.ipynb", 90, "2G", tmp_path / "scratch")
    worker.main(command[3:])
    result = worker.read_result("some log line\n" + capsys.readouterr().out)
    assert (result.student, result.score, result.max_score, result.feedback_html) == ("ann", 0.0, autograded_max(LESSON), None)
    assert list(tmp_path.iterdir()) == [], "nothing written outside the scratch folder"


def test_no_output_or_garbage_is_no_result():
    assert worker.read_result("  \n") is None
    assert worker.read_result('{"student": "ann"}') is None
    assert worker.read_result("[1, 2]") is None
