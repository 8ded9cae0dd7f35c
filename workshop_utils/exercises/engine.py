"""The exercise engine: a check that says what is wrong, hints in levels, a worked solution on
request, and grading on cases the lesson never showed. Each lesson's content (its cases, hints
and diagnoses) lives in its own module beside this one (``lesson01`` ...).

In a notebook, each is one short line:

    ex.constraints.check(constraints_by_hand)     # ✓, or the first failing case and why
    ex.constraints.hint()                          # the next hint level (or .hint(2))
    ex.constraints.solution()                      # the worked solution, unless switched off

The visible test cell of an exercise calls ``check``; its hidden tests call ``grade``, which
tries every case (the visible ones and the hidden ones) and raises ``ExerciseFailed`` with one
readable sentence, so nbgrader takes the points and the feedback shows the reason.

Example:
    >>> square = Exercise("demo", "ex_square", "Square a number",
    ...     visible=[Case("the number 3", lambda context: (3,), lambda x: x * x)],
    ...     hidden=[Case("a negative number, -2", lambda context: (-2,), lambda x: x * x)],
    ...     hints=["Multiply the number by itself.", "return x * x"], record=False)
    >>> square.check(lambda x: x * x)
    ✓ Square a number: the 1 visible case passes. More cases are tried when your notebook is graded.
    >>> square.check(lambda x: x + x)
    ✗ Square a number: on the number 3, expected 9, got 6.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import inspect
import json
import math
import os
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workshop_utils.exercises import progress as progress_log
from workshop_utils.paths import NOTEBOOKS, PROJECT_ROOT, source_notebook

__all__ = ["Case", "Exercise", "ExerciseFailed", "Question", "ScoresOnce", "UsedTheHelper", "Written", "close", "equal",
           "worked_solutions_on"]

SOLUTIONS_SETTING = "WORKSHOP_WORKED_SOLUTIONS"
"""Environment variable that switches worked solutions off ("off") or on ("on"); it wins over
the settings file."""

SETTINGS_FILE = ".workshop-settings.json"
"""Written into ``notebooks/`` by ``workshop release --no-worked-solutions``:
``{"worked_solutions": false}`` switches worked solutions off for a graded class."""


class ExerciseFailed(AssertionError):
    """An answer that does not do what the exercise asks; the message says why, in one sentence."""


def brief_failure(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> list[str]:
    """IPython handler for ``ExerciseFailed``: the cell still fails (so nbgrader takes its
    points), but shows one sentence instead of a traceback."""
    brief = [f"✗ {value}"]
    shell._showtraceback(etype, value, brief)
    return brief


def show_failures_briefly() -> None:
    """In a notebook, show a failed exercise as one sentence (no traceback)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((ExerciseFailed,), brief_failure)


class UsedTheHelper(Exception):
    """Raised inside an answer that called the course helper it was asked to write itself."""


Compare = Callable[[Any, Any], bool]
DATA_TYPES = (pd.DataFrame, pd.Series, np.ndarray, list, dict)
"""Arguments an answer must leave as they were."""


def same_data(a: Any, b: Any) -> bool:
    """Whether an argument is unchanged (frames, series and arrays compared by value).

    >>> same_data(pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [1]})), same_data([1], [2])
    (True, False)
    >>> same_data([pd.DataFrame({"x": [1]})], [pd.DataFrame({"x": [1]})])
    True
    """
    if isinstance(a, pd.DataFrame | pd.Series):
        return isinstance(b, type(a)) and a.equals(b)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, list | tuple):
        return isinstance(b, type(a)) and len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_data(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def equal(got: Any, expected: Any) -> bool:
    """Exactly equal (lists, dicts, strings, numbers, booleans of the same kind).

    >>> equal([1, 2], [1, 2]), equal(True, 1), equal({"a": 1}, {"a": 1})
    (True, False, True)
    """
    if isinstance(expected, bool) or isinstance(got, bool):
        return isinstance(got, bool | np.bool_) and isinstance(expected, bool | np.bool_) and bool(got) == bool(expected)
    try:
        return bool(got == expected)
    except (TypeError, ValueError):
        return False


def close(atol: float = 1e-6, rtol: float = 0.0) -> Compare:
    """Numbers or arrays of the same shape, equal within ``atol`` (+ ``rtol`` of the expected).

    >>> close(1e-3)([0.1, 0.2], np.array([0.1004, 0.2])), close()(0.5, [0.5, 0.5])
    (True, False)
    """

    def compare(got: Any, expected: Any) -> bool:
        try:
            a = np.asarray(got, dtype=float)
            b = np.asarray(expected, dtype=float)
        except (TypeError, ValueError):
            return False
        return a.shape == b.shape and bool(np.allclose(a, b, atol=atol, rtol=rtol, equal_nan=True))

    return compare


def shown(value: Any, limit: int = 90) -> str:
    """A short, readable rendering of a value for a message.

    >>> shown(0.123456789), shown([1.0, 2.5]), shown(None)
    ('0.1235', '[1, 2.5]', 'None')
    """
    if isinstance(value, float | np.floating):
        text = f"{float(value):.4g}"
    elif isinstance(value, pd.Series):
        text = shown(value.to_dict(), limit)
    elif isinstance(value, pd.DataFrame):
        text = f"a table of {value.shape[0]} rows and {value.shape[1]} columns"
    elif isinstance(value, np.ndarray | list | tuple) and not isinstance(value, str):
        items = list(np.asarray(value, dtype=object).ravel()) if isinstance(value, np.ndarray) else list(value)
        text = "[" + ", ".join(shown(v, 20) for v in items) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k!r}: {shown(v, 20)}" for k, v in value.items()) + "}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ScoresOnce:
    """A toy model's ``predict`` function that answers one call only, for exercises that ask to
    score every copy of a row in one call: a second call raises with ``advice`` on how to do it.

    >>> predict = ScoresOnce(lambda frame: frame["a"] * 2, "score all the copies in one frame")
    >>> predict(pd.DataFrame({"a": [1.0, 2.0]})).tolist()
    [2.0, 4.0]
    """

    def __init__(self, score: Callable[[pd.DataFrame], Any], advice: str) -> None:
        self.score, self.advice, self.calls = score, advice, 0

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError(f"predict was called more than once; {self.advice}")
        return np.asarray(self.score(frame), dtype=float)


@dataclass(frozen=True)
class Case:
    """One input an answer is tried on, and the right result for it.

    ``arguments`` builds the answer's arguments from the context the notebook passes to
    ``check``/``grade`` (e.g. ``model=model``), lazily, so cases may use the lesson's data;
    ``expected`` computes the right result from the same arguments, with the field's library or
    a closed form; ``compare`` judges the answer's result against it; ``diagnose`` may return
    the likely mistake for a wrong result (or None when it cannot tell): it is called with the
    result and the expected one, and also with the case's arguments when it takes more
    parameters (``diagnose(got, expected, *arguments)``)."""

    name: str
    arguments: Callable[[Mapping[str, Any]], tuple]
    expected: Callable[..., Any]
    compare: Compare = equal
    diagnose: Callable[[Any, Any], str | None] | None = None
    lesson_result: bool = False
    """True for the case on the lesson's own data: an answer that gives this result on other
    cases has memorised it."""


def diagnosis(diagnose: Callable[..., str | None], got: Any, expected: Any, arguments: tuple) -> str | None:
    """``diagnose``'s verdict, given the case's arguments too when it takes more than two parameters.

    >>> diagnosis(lambda got, expected, x: f"x was {x}", 1, 2, (5,)), diagnosis(lambda g, e: None, 1, 2, (5,))
    ('x was 5', None)
    """
    parameters = inspect.signature(diagnose).parameters.values()
    wants_arguments = len(parameters) > 2 or any(p.kind is p.VAR_POSITIONAL for p in parameters)
    return diagnose(got, expected, *arguments) if wants_arguments else diagnose(got, expected)


def used_helper_message(case: str, dotted: str) -> str:
    """What to say when an answer calls a function the exercise asks the learner to replace.

    >>> used_helper_message("a toy", "sklearn.metrics.r2_score")[:60]
    'on a toy, your answer calls sklearn.metrics.r2_score, which '
    """
    if dotted.startswith("workshop_utils."):
        return (f"on {case}, your answer calls the course's own helper ({dotted.removeprefix('workshop_utils.')}); "
                "this exercise asks you to write the technique yourself, so it earns no points.")
    return (f"on {case}, your answer calls {dotted}, which computes the answer for you; this exercise asks you to "
            "write it yourself (with NumPy), so it earns no points.")


@dataclass(frozen=True)
class Outcome:
    """What trying one case gave: passed, or the sentence that says why not."""

    passed: bool
    message: str = ""


def settings_files() -> list[Path]:
    """Where a settings file may be: beside the notebook being run (the kernel's folder) or one or
    two folders up, then the course's ``notebooks/``."""
    here = Path.cwd()
    return [folder / SETTINGS_FILE for folder in (here, *list(here.parents)[:2], PROJECT_ROOT / NOTEBOOKS)]


def worked_solutions_on() -> bool:
    """Whether worked solutions may be shown: the environment variable first, then the first
    settings file found (``settings_files``); on unless one of them says off."""
    setting = os.environ.get(SOLUTIONS_SETTING, "").strip().lower()
    if setting in {"off", "0", "false", "no"}:
        return False
    if setting in {"on", "1", "true", "yes"}:
        return True
    for path in settings_files():
        try:
            return bool(json.loads(path.read_text()).get("worked_solutions", True))
        except (OSError, ValueError, AttributeError):
            continue
    return True


def source_cell(lesson: str, grade_id: str) -> str | None:
    """The source of one cell of a lesson's source notebook, by its nbgrader id (None when the
    sources are not shipped, as in a graded class)."""
    import nbformat

    path = source_notebook(lesson)
    if not path.exists():
        return None
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell.source
    return None


def revealable(lesson: str, grade_id: str, what: str, instead: str) -> str | None:
    """The source cell a worked solution or model answer comes from, or None after saying why it
    cannot be shown (switched off for a graded class, or the sources are not in this copy)."""
    if not worked_solutions_on():
        print(f"{what} are switched off for this class: {instead}.")
        return None
    source = source_cell(lesson, grade_id)
    if source is None:
        print(f"{what} are not in this copy of the course (solutions/ is not here).")
    return source


def between_markers(source: str, begin: str, end: str) -> str:
    """The lines between two nbgrader markers, de-indented."""
    lines, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line)
    return textwrap.dedent("\n".join(lines)).strip()


@contextlib.contextmanager
def helpers_trapped(helpers: Sequence[str], namespace: dict) -> Iterator[None]:
    """While inside, each named function (``"module.function"``: a course helper, or a library
    function that would do the exercise for the learner) raises ``UsedTheHelper``, wherever the
    answer reaches it: through its module or a name in the answer's globals."""
    saved: list[tuple[object, str, object]] = []

    def trap_for(dotted: str) -> Callable[..., Any]:
        def trap(*_: Any, **__: Any) -> Any:
            raise UsedTheHelper(dotted)

        return trap

    try:
        for dotted in helpers:
            module_name, name = dotted.rsplit(".", 1)
            module = importlib.import_module(module_name)
            original = getattr(module, name)
            saved.append((module, name, original))
            trap = trap_for(dotted)
            setattr(module, name, trap)
            for key, value in list(namespace.items()):
                if value is original:
                    saved.append((namespace, key, original))
                    namespace[key] = trap
        yield
    finally:
        for owner, name, original in reversed(saved):
            if isinstance(owner, dict):
                owner[name] = original
            else:
                setattr(owner, name, original)


@dataclass
class Exercise:
    """A code exercise: the learner writes a function; ``check`` tries the visible cases, and
    ``grade`` every case. ``helpers`` names the functions the answer must not call: the course's
    helpers, and library functions that would do the exercise (the technique is what the
    learner writes)."""

    lesson: str
    grade_id: str
    title: str
    visible: Sequence[Case]
    hidden: Sequence[Case]
    hints: Sequence[str]
    helpers: Sequence[str] = ()
    helper_answer: Callable | None = None
    """An answer that leans on one of ``helpers``: the course's tests prove it earns nothing."""
    record: bool = True
    _hints_shown: int = field(default=0, repr=False)

    def try_case(self, answer: Callable, case: Case, context: Mapping[str, Any], lesson_result: Any = None) -> Outcome:
        """Run the answer on one case and judge it."""
        arguments = case.arguments(context)
        expected = case.expected(*arguments)
        before = [copy.deepcopy(a) if isinstance(a, DATA_TYPES) else None for a in arguments]
        namespace = getattr(answer, "__globals__", {})
        try:
            with helpers_trapped(self.helpers, namespace):
                got = answer(*arguments)
        except UsedTheHelper as used:
            return Outcome(False, used_helper_message(case.name, str(used)))
        except NotImplementedError:
            return Outcome(False, "not answered yet: write your code in the cell above, run it, then run this check again.")
        except Exception as error:  # the learner's code failed: say how, in one line
            return Outcome(False, f"on {case.name}, your code raised {type(error).__name__}: {str(error)[:160]}")
        changed = next((n for n, (a, b) in enumerate(zip(arguments, before), 1) if b is not None and not same_data(a, b)), None)
        if changed:
            return Outcome(False, f"on {case.name}, your function changed its argument number {changed}; "
                                  "work on a copy (for example `frame.copy()`) so the caller's data stays as it was.")
        if got is None and expected is not None:
            return Outcome(False, f"on {case.name}, your function returned None: "
                                  "did you forget `return`, or is it not answered yet?")
        if case.compare(got, expected):
            return Outcome(True)
        if lesson_result is not None and not case.lesson_result and case.compare(got, lesson_result):
            return Outcome(False, f"on {case.name}, your answer returns the lesson's own printed result; "
                                  "compute it from the function's arguments instead.")
        message = f"on {case.name}, expected {shown(expected)}, got {shown(got)}."
        likely = diagnosis(case.diagnose, got, expected, arguments) if case.diagnose else None
        return Outcome(False, message + (f" Likely mistake: {likely}" if likely else ""))

    def run(self, answer: Callable, cases: Sequence[Case], context: Mapping[str, Any]) -> Outcome:
        """The first failing case's outcome, or a pass."""
        lesson_case = next((c for c in [*self.visible, *self.hidden] if c.lesson_result), None)
        lesson_result = lesson_case.expected(*lesson_case.arguments(context)) if lesson_case else None
        for case in cases:
            outcome = self.try_case(answer, case, context, lesson_result)
            if not outcome.passed:
                return outcome
        return Outcome(True)

    def check(self, answer: Callable, **context: Any) -> None:
        """Try the visible cases; print ✓ or the first failing case with its diagnosis.
        ``context`` passes the lesson's objects the cases need (e.g. ``model=model``)."""
        outcome = self.run(answer, self.visible, context)
        if outcome.passed:
            count = len(self.visible)
            print(f"✓ {self.title}: {'the 1 visible case passes' if count == 1 else f'all {count} visible cases pass'}. "
                  "More cases are tried when your notebook is graded.")
        else:
            print(f"✗ {self.title}: {outcome.message}")
        self.remember(outcome.passed)

    def grade(self, answer: Callable, **context: Any) -> None:
        """Try every case, visible and hidden; raise ``ExerciseFailed`` with the reason on the first
        that fails (hidden cases are described only once the notebook is graded)."""
        outcome = self.run(answer, [*self.visible, *self.hidden], context)
        if not outcome.passed:
            raise ExerciseFailed(f"{self.title}: {outcome.message}")

    def hint(self, level: int | None = None) -> None:
        """Print the next hint (or hint ``level``, counted from 1)."""
        if level is None:
            level = min(self._hints_shown + 1, len(self.hints))
        level = max(1, min(level, len(self.hints)))
        self._hints_shown = max(self._hints_shown, level)
        more = f" (call hint() again for hint {level + 1})" if level < len(self.hints) else " (the last hint)"
        print(f"Hint {level} of {len(self.hints)} for {self.title}{more}:\n{self.hints[level - 1]}")

    def solution(self) -> None:
        """Print the worked solution from the lesson's source, unless worked solutions are off."""
        source = revealable(self.lesson, self.grade_id, "Worked solutions", "ask your instructor")
        if source is None:
            return
        print(f"Worked solution for {self.title}:\n\n{between_markers(source, 'BEGIN SOLUTION', 'END SOLUTION')}")

    def remember(self, passed: bool) -> None:
        """Record the outcome for ``workshop progress`` (never while grading)."""
        if self.record:
            progress_log.record(self.lesson, self.grade_id, passed)


@dataclass
class Question:
    """An autograded concept question: one of ``choices`` (a letter), or a number within
    ``tolerance``. ``why_not`` explains each wrong choice in one line."""

    lesson: str
    grade_id: str
    title: str
    answer: str | float
    why_not: Mapping[str, str] = field(default_factory=dict)
    tolerance: float = 0.0
    explanation: str = ""
    record: bool = True

    @classmethod
    def choice(cls, lesson: str, grade_id: str, title: str, text: str) -> Question:
        """A multiple-choice question from a block of lines ``(x) sentence``: the first is the right
        choice and why it is right, each other a wrong choice and why it is wrong (a line that
        does not open with a letter goes on the sentence before it).

        >>> q = Question.choice("demo", "q1", "Pick", '''
        ... (b) b is right,
        ...     because.
        ... (a) a is the opposite.
        ... ''')
        >>> q.answer, q.explanation, q.why_not
        ('b', 'b is right, because.', {'a': 'a is the opposite.'})
        """
        entries: list[list[str]] = []
        for line in text.strip().splitlines():
            stripped = line.strip()
            if len(stripped) > 3 and stripped[0] == "(" and stripped[2] == ")":
                entries.append([stripped[1].lower(), stripped[3:].strip()])
            elif stripped and entries:
                entries[-1][1] += " " + stripped
        (answer, explanation), *wrong = entries
        return cls(lesson, grade_id, title, answer, dict(wrong), explanation=explanation)

    def judge(self, given: Any) -> Outcome:
        """Whether ``given`` is right, and what to say."""
        if given is None:
            return Outcome(False, "not answered yet: set your answer in the cell above and run it.")
        if isinstance(self.answer, str):
            letter = str(given).strip().lower()
            if letter == self.answer:
                return Outcome(True, self.explanation)
            if letter not in self.why_not:
                return Outcome(False, f"{given!r} is not one of the choices {sorted([*self.why_not, self.answer])}.")
            return Outcome(False, f"not ({letter}): {self.why_not[letter]}")
        try:
            number = float(given)
        except (TypeError, ValueError):
            return Outcome(False, f"give a number, not {shown(given)}.")
        if math.isclose(number, float(self.answer), abs_tol=self.tolerance or 1e-9):
            return Outcome(True, self.explanation)
        return Outcome(False, f"{shown(number)} is not it. {self.why_not.get('number', '')}".strip())

    def check(self, given: Any) -> None:
        """Print ✓ with the explanation, or ✗ with why that choice is wrong."""
        outcome = self.judge(given)
        print(f"{'✓' if outcome.passed else '✗'} {self.title}: {outcome.message}".rstrip(": "))
        if self.record:
            progress_log.record(self.lesson, self.grade_id, outcome.passed)

    def grade(self, given: Any) -> None:
        """Raise ``ExerciseFailed`` unless the answer is right."""
        outcome = self.judge(given)
        if not outcome.passed:
            raise ExerciseFailed(f"{self.title}: {outcome.message}")


@dataclass
class Written:
    """A written question graded by hand: the model answer (the lesson source's solution) can be
    revealed by a self-paced learner once they have written their own."""

    lesson: str
    grade_id: str
    title: str

    def model_answer(self) -> None:
        """Print the model answer, unless worked solutions are off."""
        source = revealable(self.lesson, self.grade_id, "Model answers", "your instructor grades this question")
        if source is None:
            return
        answer = between_markers(source, "BEGIN SOLUTION", "END SOLUTION") or source.split("### BEGIN HIDDEN TESTS")[0]
        print(f"A model answer for {self.title} (yours may differ and still earn full marks):\n\n{answer.strip()}")
        progress_log.record(self.lesson, self.grade_id, True)


show_failures_briefly()
