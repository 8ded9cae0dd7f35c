"""The exercise engine: checks that say what is wrong, hints in levels, worked solutions that one
setting switches off, concept questions, brief failures in a notebook, and the progress record."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from workshop_utils import monotonic
from workshop_utils.exercises import engine, progress
from workshop_utils.exercises.engine import Case, Exercise, ExerciseFailed, Question, Written, close


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_PROGRESS_FILE", str(tmp_path / "progress.jsonl"))
    monkeypatch.delenv("WORKSHOP_GRADING", raising=False)
    monkeypatch.delenv(engine.SOLUTIONS_SETTING, raising=False)


def doubling(record: bool = False) -> Exercise:
    return Exercise(
        "01_monotonic_xgboost", "ex_double", "Double a column",
        visible=[Case("a column 1, 2, 3", lambda c: (pd.DataFrame({"x": [1.0, 2.0, 3.0]}),),
                      lambda f: (2 * f["x"]).to_numpy(), close(), lambda got, want: "multiply by 2, not add 2"),
                 Case("the lesson's column", lambda c: (c["frame"],), lambda f: (2 * f["x"]).to_numpy(), close(),
                      lesson_result=True)],
        hidden=[Case("a column with a negative value", lambda c: (pd.DataFrame({"x": [-4.0, 0.5]}),),
                     lambda f: (2 * f["x"]).to_numpy(), close())],
        hints=["Multiply.", "Return `2 * frame['x']` as an array."],
        helpers=["workshop_utils.monotonic.correlations"], record=record)


LESSON_FRAME = {"frame": pd.DataFrame({"x": [10.0, 20.0]})}


def passed(capsys) -> bool:
    """Whether the check just run printed a pass."""
    return capsys.readouterr().out.startswith("✓")


def test_a_right_answer_passes_and_says_more_cases_are_tried_at_grading(capsys):
    doubling().check(lambda f: (2 * f["x"]).to_numpy(), **LESSON_FRAME)
    out = capsys.readouterr().out
    assert out.startswith("✓ Double a column: all 2 visible cases pass") and "graded" in out
    doubling().grade(lambda f: (2 * f["x"]).to_numpy(), **LESSON_FRAME)


def test_a_wrong_answer_names_the_case_what_was_expected_what_came_back_and_the_likely_mistake(capsys):
    doubling().check(lambda f: (f["x"] + 2).to_numpy(), **LESSON_FRAME)
    out = capsys.readouterr().out.strip()
    assert out == "✗ Double a column: on a column 1, 2, 3, expected [2, 4, 6], got [3, 4, 5]. Likely mistake: multiply by 2, not add 2"
    assert "\n" not in out, "one line, no traceback"


@pytest.mark.parametrize(("answer", "words"), [
    (lambda f: None, "returned None"),
    (lambda f: 1 / 0, "raised ZeroDivisionError: division by zero"),
    (lambda f: f.__setitem__("x", 0) or (2 * f["x"]).to_numpy(), "changed its argument number 1"),
])
def test_common_failures_get_their_own_sentence(answer, words, capsys):
    doubling().check(answer, **LESSON_FRAME)
    assert words in capsys.readouterr().out


def test_an_unanswered_stub_is_not_answered_yet(capsys):
    def stub(frame):
        raise NotImplementedError()

    doubling().check(stub, **LESSON_FRAME)
    assert "not answered yet" in capsys.readouterr().out


def test_hidden_cases_only_count_at_grading_and_fail_with_one_sentence(capsys):
    only_positive = lambda f: (2 * f["x"].abs()).to_numpy()  # noqa: E731 (a one-line wrong answer)
    doubling().check(only_positive, **LESSON_FRAME)
    assert passed(capsys)
    with pytest.raises(ExerciseFailed, match=r"^Double a column: on a column with a negative value, expected \[-8, 1\]"):
        doubling().grade(only_positive, **LESSON_FRAME)


def test_returning_the_lessons_printed_result_fails_with_a_message():
    with pytest.raises(ExerciseFailed, match="returns the lesson's own printed result"):
        doubling().grade(lambda f: np.array([20.0, 40.0]), **LESSON_FRAME)


def test_calling_the_course_helper_fails_and_the_helper_is_put_back(capsys):
    original = monotonic.correlations

    def leaning(frame):
        monotonic.correlations(frame, ["x"], "x")
        return (2 * frame["x"]).to_numpy()

    doubling().check(leaning, **LESSON_FRAME)
    assert "calls the course's own helper" in capsys.readouterr().out
    assert monotonic.correlations is original


def test_a_helper_imported_by_name_into_the_notebook_is_trapped_too():
    namespace = {"correlations": monotonic.correlations}
    exec("def leaning(frame):\n    correlations(frame, ['x'], 'x')\n    return 2 * frame['x'].to_numpy()", namespace)
    with pytest.raises(ExerciseFailed, match="course's own helper"):
        doubling().grade(namespace["leaning"], **LESSON_FRAME)
    assert namespace["correlations"] is monotonic.correlations


def test_hints_come_in_levels(capsys):
    exercise = doubling()
    exercise.hint()
    exercise.hint()
    exercise.hint(1)
    out = capsys.readouterr().out
    assert "Hint 1 of 2" in out and "Multiply." in out and "Hint 2 of 2" in out and "(the last hint)" in out


def test_worked_solution_comes_from_the_source_and_one_setting_switches_it_off(capsys, monkeypatch, tmp_path):
    exercise = Exercise("01_monotonic_xgboost", "ex1_constraints", "Constraints", [], [], ["a", "b"], record=False)
    exercise.solution()
    out = capsys.readouterr().out
    assert "def constraints_by_hand" not in out and "np.sign" in out, "the body of the lesson's own solution"
    monkeypatch.setenv(engine.SOLUTIONS_SETTING, "off")
    exercise.solution()
    assert "switched off" in capsys.readouterr().out
    monkeypatch.delenv(engine.SOLUTIONS_SETTING)
    monkeypatch.setattr(engine, "PROJECT_ROOT", tmp_path)
    (tmp_path / engine.NOTEBOOKS).mkdir()
    (tmp_path / engine.NOTEBOOKS / engine.SETTINGS_FILE).write_text(json.dumps({"worked_solutions": False}))
    assert not engine.worked_solutions_on()


def test_concept_questions_explain_wrong_choices(capsys):
    question = Question("x", "q1", "Pick one", "b", {"a": "a is the opposite.", "c": "c is unrelated."},
                        explanation="b is right.", record=False)
    for given in ("B ", "a", "z", None):
        question.check(given)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["✓ Pick one: b is right.", "✗ Pick one: not (a): a is the opposite.",
                     "✗ Pick one: 'z' is not one of the choices ['a', 'b', 'c'].",
                     "✗ Pick one: not answered yet: set your answer in the cell above and run it."]
    number = Question("x", "q2", "A number", 0.25, {"number": "Count the rows."}, tolerance=0.01, record=False)
    number.grade(0.255)
    with pytest.raises(ExerciseFailed, match="Count the rows"):
        number.grade(0.5)


def test_the_written_model_answer_is_the_sources(capsys):
    Written("01_monotonic_xgboost", "ex5_written", "Why constrain?").model_answer()
    out = capsys.readouterr().out
    assert "A model answer for Why constrain?" in out and "BEGIN" not in out and "Rubric" not in out


def test_progress_records_checks_but_not_while_grading(monkeypatch):
    exercise = doubling(record=True)
    exercise.check(lambda f: f["x"].to_numpy(), **LESSON_FRAME)
    assert progress.status(progress.load()) == {("01_monotonic_xgboost", "ex_double"): progress.TRIED}
    exercise.check(lambda f: (2 * f["x"]).to_numpy(), **LESSON_FRAME)
    exercise.check(lambda f: f["x"].to_numpy(), **LESSON_FRAME)
    assert progress.status(progress.load()) == {("01_monotonic_xgboost", "ex_double"): progress.DONE}
    monkeypatch.setenv("WORKSHOP_GRADING", "1")
    exercise.check(lambda f: f["x"].to_numpy(), **LESSON_FRAME)
    assert len(progress.load()) == 3


def test_the_progress_table_lists_every_lesson_and_exercise(capsys):
    progress.record("01_monotonic_xgboost", "ex1_constraints", True)
    progress.record("01_monotonic_xgboost", "ex2_pd", False)
    progress.progress()
    table = capsys.readouterr().out
    assert "✓ Constraints from correlations" in table and "✗ Partial dependence by hand" in table
    assert "– Material reversals" in table and table.strip().splitlines()[-1].startswith("Done: 1 of ")
    assert "02_surrogate_tree_loco  0/" in table and "  not started" in table, "a lesson not started is one line"
    assert len(table.splitlines()) < 25, "short enough for a slide"


def test_a_failed_grade_shows_one_sentence_in_a_notebook_kernel():
    """In IPython the failure is still an error (nbgrader takes the points) but shows no traceback."""
    code = ("from IPython.core.interactiveshell import InteractiveShell\n"
            "shell = InteractiveShell.instance()\n"
            "shell.run_cell('from workshop_utils.exercises.engine import ExerciseFailed, show_failures_briefly')\n"
            "shell.run_cell('show_failures_briefly()')\n"
            "result = shell.run_cell('raise ExerciseFailed(\"Doubling: on a column, expected 2, got 3.\")')\n"
            "print('FAILED' if result.error_in_exec else 'PASSED')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "✗ Doubling: on a column, expected 2, got 3." in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr and "FAILED" in run.stdout
