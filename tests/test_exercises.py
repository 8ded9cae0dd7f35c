"""Every lesson's exercises, through the exercise engine: the lesson's own solution earns the
points on every case, visible and hidden; an answer that returns the lesson's printed result
fails with a message saying so; an answer that calls the course helper it was asked to replace
fails with a message saying so; every wrong choice of a concept question is explained."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from workshop_utils import exercises
from workshop_utils.exercises.engine import Exercise, ExerciseFailed, Question, between_markers, source_cell

CONTENT = sorted(f"{exercises.__name__}.{m.name}" for m in pkgutil.iter_modules(exercises.__path__)
                 if m.name.startswith("lesson"))


def content(name: str) -> ModuleType:
    return importlib.import_module(name)


@functools.cache
def context(name: str) -> dict:
    """The module's stand-in for what its notebook passes to the checks (built once)."""
    return content(name).demo_context()


def items(kind: type) -> list[tuple[str, str]]:
    return [(name, item.grade_id) for name in CONTENT for item in content(name).EXERCISES if isinstance(item, kind)]


def item(name: str, grade_id: str):
    return next(i for i in content(name).EXERCISES if i.grade_id == grade_id)


def lesson_solution(exercise: Exercise):
    """The function the lesson's source defines in the exercise's solution cell."""
    source = source_cell(exercise.lesson, exercise.grade_id)
    namespace: dict = {"np": np, "pd": pd}
    where = f"<{exercise.grade_id}>"
    exec(compile(source, where, "exec"), namespace)
    [answer] = [v for v in namespace.values() if getattr(getattr(v, "__code__", None), "co_filename", "") == where]
    return answer


def test_every_lesson_module_lists_its_exercises():
    assert CONTENT, "no lesson content modules"
    for name in CONTENT:
        module = content(name)
        kinds = [type(i).__name__ for i in module.EXERCISES]
        assert 2 <= kinds.count("Question") <= 3, f"{name}: 2 to 3 concept questions"
        assert "Written" in kinds and "Exercise" in kinds, name
        assert len({i.grade_id for i in module.EXERCISES}) == len(module.EXERCISES), f"{name}: grade ids repeat"


@pytest.mark.parametrize(("name", "grade_id"), items(Exercise))
def test_the_lessons_solution_passes_every_case(name, grade_id):
    exercise = item(name, grade_id)
    assert len(exercise.hints) >= 2 and exercise.hidden, "two hint levels and hidden cases"
    exercise.grade(lesson_solution(exercise), **context(name))


@pytest.mark.parametrize(("name", "grade_id"), items(Exercise))
def test_a_memorised_answer_fails_with_a_message(name, grade_id):
    exercise = item(name, grade_id)
    lesson_case = next(c for c in [*exercise.visible, *exercise.hidden] if c.lesson_result)
    printed = lesson_case.expected(*lesson_case.arguments(context(name)))
    with pytest.raises(ExerciseFailed, match="the lesson's own printed result"):
        exercise.grade(lambda *_: printed, **context(name))


@pytest.mark.parametrize(("name", "grade_id"), [(n, g) for n, g in items(Exercise) if item(n, g).helpers])
def test_calling_the_course_helper_fails_with_a_message(name, grade_id):
    exercise = item(name, grade_id)
    assert exercise.helper_answer is not None, "an exercise that forbids helpers shows how one would be used"
    with pytest.raises(ExerciseFailed, match=r"calls the course's own helper|which computes the answer for you"):
        exercise.grade(exercise.helper_answer, **context(name))


@pytest.mark.parametrize(("name", "grade_id"), items(Question))
def test_concept_questions_explain_every_wrong_choice(name, grade_id):
    question = item(name, grade_id)
    solution = between_markers(source_cell(question.lesson, grade_id) or "", "BEGIN SOLUTION", "END SOLUTION")
    namespace: dict = {}
    exec(solution, namespace)
    given = next(v for k, v in namespace.items() if k.startswith("answer"))
    question.grade(given)
    for choice, why in question.why_not.items():
        if isinstance(question.answer, str):
            with pytest.raises(ExerciseFailed, match="not"):
                question.grade(choice)
            assert why.strip(), f"{grade_id}: choice {choice} has no explanation"
