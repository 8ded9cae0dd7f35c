"""Time to grade a class: N copies of a lesson's solution graded by `workshop grade`, against N
times the lesson's own run time.

Example: ``python -m benchmarks grading --students 30 --jobs 2``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.lessons import run_once
from workshop_tools.grading import grade_class
from workshop_utils.paths import source_notebook, submitted_notebook


def benchmark_grading(lesson: str = "01_monotonic_xgboost", students: int = 30, jobs: int = 2,
                      lesson_seconds: float | None = None) -> dict[str, object]:
    """Wall time to grade ``students`` submissions with ``jobs`` at once, and the ratio to
    ``students`` plain runs of the lesson (estimated from one run, or ``lesson_seconds`` if a
    run was already timed)."""
    if lesson_seconds is None:
        lesson_seconds, _ = run_once(lesson)
    with tempfile.TemporaryDirectory(prefix="workshop-class-") as scratch:
        submitted = Path(scratch) / "submitted"
        for number in range(students):
            copy = submitted_notebook(submitted, f"student{number:02d}", lesson)
            copy.parent.mkdir(parents=True)
            shutil.copy(source_notebook(lesson), copy)
        started = time.perf_counter()
        results = grade_class(submitted, Path(scratch) / "graded", [lesson], jobs=jobs)
        seconds = time.perf_counter() - started
    full = sum(r.score == r.max_score for r in results)
    return {"lesson": lesson, "students": students, "jobs": jobs, "grading_s": round(seconds, 1),
            "lesson_run_s": round(lesson_seconds, 1),
            "grading / (students x run)": round(seconds / (students * lesson_seconds), 2),
            "full_marks": f"{full}/{students}"}
