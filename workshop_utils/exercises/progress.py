"""A learner's progress: every check's outcome, kept in a small local file (no network, no
account), and the table of every lesson and exercise as done ✓, tried ✗ or not tried –; a
lesson not started yet takes one line, so the table stays short enough for a slide.

The file is ``~/.workshop/progress.jsonl`` (one JSON object a line: lesson, exercise, passed,
time), or the path in ``$WORKSHOP_PROGRESS_FILE``. Nothing is recorded while a notebook is being
graded (``$WORKSHOP_GRADING`` is set by ``workshop grade`` and ``workshop check``).

Example:
    >>> import tempfile, os
    >>> os.environ["WORKSHOP_PROGRESS_FILE"] = os.path.join(tempfile.mkdtemp(), "p.jsonl")
    >>> record("01_monotonic_xgboost", "ex1_constraints", False)
    >>> record("01_monotonic_xgboost", "ex1_constraints", True)
    >>> status(load())[("01_monotonic_xgboost", "ex1_constraints")]
    '✓'
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import time
from pathlib import Path

__all__ = ["DONE", "NOT_TRIED", "TRIED", "exercise_ids", "load", "progress", "progress_table", "record", "status"]

DONE, TRIED, NOT_TRIED = "✓", "✗", "–"
GRADING = "WORKSHOP_GRADING"


def progress_file() -> Path:
    """Where outcomes are kept."""
    override = os.environ.get("WORKSHOP_PROGRESS_FILE")
    return Path(override) if override else Path.home() / ".workshop" / "progress.jsonl"


def record(lesson: str, exercise: str, passed: bool) -> None:
    """Append one outcome (a no-op while grading, or when the file cannot be written)."""
    if os.environ.get(GRADING):
        return
    path = progress_file()
    line = json.dumps({"lesson": lesson, "exercise": exercise, "passed": bool(passed), "time": round(time.time())})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            handle.write(line + "\n")
    except OSError:
        pass  # a read-only home must never stop a lesson


def load() -> list[dict]:
    """Every recorded outcome, oldest first (lines that are not valid JSON are skipped)."""
    try:
        lines = progress_file().read_text().splitlines()
    except OSError:
        return []
    outcomes = []
    for line in lines:
        try:
            outcomes.append(json.loads(line))
        except ValueError:
            continue
    return outcomes


def status(outcomes: list[dict]) -> dict[tuple[str, str], str]:
    """(lesson, exercise) -> ✓ if it ever passed, else ✗ (tried)."""
    marks: dict[tuple[str, str], str] = {}
    for outcome in outcomes:
        key = (outcome.get("lesson", ""), outcome.get("exercise", ""))
        marks[key] = DONE if outcome.get("passed") or marks.get(key) == DONE else TRIED
    return marks


def exercise_ids() -> dict[str, list[tuple[str, str]]]:
    """Every lesson's exercises as (grade id, title), from the lesson content modules."""
    from workshop_utils import exercises

    found: dict[str, list[tuple[str, str]]] = {}
    for info in pkgutil.iter_modules(exercises.__path__):
        if not info.name.startswith("lesson"):
            continue
        module = importlib.import_module(f"{exercises.__name__}.{info.name}")
        found[module.LESSON] = [(item.grade_id, item.title) for item in module.EXERCISES]
    return dict(sorted(found.items()))


def progress_table() -> str:
    """The table: a total per lesson and overall, and one line per exercise with its mark in the
    lessons started."""
    marks = status(load())
    lines, done, total = [], 0, 0
    for lesson, items in exercise_ids().items():
        lesson_done = sum(marks.get((lesson, grade_id)) == DONE for grade_id, _ in items)
        started = any((lesson, grade_id) in marks for grade_id, _ in items)
        lines.append(f"{lesson}  {lesson_done}/{len(items)}" + ("" if started else "  not started"))
        lines += [f"  {marks.get((lesson, grade_id), NOT_TRIED)} {title}" for grade_id, title in items if started]
        done, total = done + lesson_done, total + len(items)
    share = f"{done / total:.0%}" if total else "0%"
    lines.append(f"Done: {done} of {total} exercises ({share}). {DONE} done, {TRIED} tried, {NOT_TRIED} not tried.")
    return "\n".join(lines)


def progress() -> None:
    """Print the progress table (the same as `workshop progress`)."""
    print(progress_table())
