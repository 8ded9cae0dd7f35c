"""Time to grade a class: N copies of a lesson's solution graded by `workshop grade`, against N
times the lesson's own run time; then the same command again with nothing left to grade. With
``--compare-sandbox`` the class is graded in the sandbox and without it, and the cost of the
sandbox is the ratio of the two times.

Example: ``python -m benchmarks grading --students 30 --jobs 2 --compare-sandbox``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.lessons import run_once
from workshop_tools.grading.process_pool import grade_class
from workshop_utils.paths import source_notebook, submitted_notebook


def timed_grading(submitted: Path, out: Path, lesson: str, jobs: int, sandbox: bool) -> tuple[float, int]:
    """Seconds one `grade_class` run takes, and how many submissions got full marks."""
    started = time.perf_counter()
    results = grade_class(submitted, out, [lesson], jobs=jobs, sandbox=sandbox)
    return time.perf_counter() - started, sum(r.score == r.max_score for r in results)


def benchmark_grading(lesson: str = "01_monotonic_xgboost", students: int = 30, jobs: int = 2,
                      sandbox: bool = True, lesson_seconds: float | None = None) -> dict[str, object]:
    """Wall time to grade ``students`` submissions with ``jobs`` at once, the ratio to
    ``students`` plain runs of the lesson (estimated from one run), and the time of a rerun
    that finds everything graded."""
    lesson_seconds = lesson_seconds or run_once(lesson)[0]
    with tempfile.TemporaryDirectory(prefix="workshop-class-") as scratch:
        submitted, out = Path(scratch) / "submitted", Path(scratch) / "graded"
        for number in range(students):
            copy = submitted_notebook(submitted, f"student{number:02d}", lesson)
            copy.parent.mkdir(parents=True)
            shutil.copy(source_notebook(lesson), copy)
        seconds, full = timed_grading(submitted, out, lesson, jobs, sandbox)
        rerun, _ = timed_grading(submitted, out, lesson, jobs, sandbox)
    return {"lesson": lesson, "students": students, "jobs": jobs, "sandbox": "yes" if sandbox else "no",
            "grading_s": round(seconds, 1), "lesson_run_s": round(lesson_seconds, 1),
            "grading / (students x run)": round(seconds / (students * lesson_seconds), 2),
            "full_marks": f"{full}/{students}", "rerun_nothing_left_s": round(rerun, 1)}


def compare_sandbox(lesson: str = "01_monotonic_xgboost", students: int = 30, jobs: int = 2) -> list[dict[str, object]]:
    """The class graded without the sandbox, then in it: both rows, the second with the
    sandbox's cost (its time over the time without it)."""
    lesson_seconds = run_once(lesson)[0]
    bare, boxed = (benchmark_grading(lesson, students, jobs, sandbox, lesson_seconds) for sandbox in (False, True))
    bare["sandbox / no sandbox"] = 1.0
    boxed["sandbox / no sandbox"] = round(boxed["grading_s"] / bare["grading_s"], 3)
    return [bare, boxed]
