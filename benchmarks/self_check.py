"""Time of `workshop check` on a lesson's solution notebook (grading one notebook as `workshop
grade` would, sandbox and hidden cases included) against the lesson's own run time: the median
of ``repeat`` runs of each, alternated so the machine's load falls on both alike.

Example: ``python -m benchmarks check --lesson 01_monotonic_xgboost --repeat 3``.
"""

from __future__ import annotations

import statistics
import time

from benchmarks.lessons import run_once
from workshop_tools.self_check import check_notebook
from workshop_utils.paths import source_notebook


def benchmark_check(lesson: str = "01_monotonic_xgboost", repeat: int = 3) -> dict[str, object]:
    """Median seconds of `workshop check` and of a plain run of the lesson, and their ratio."""
    checks, runs = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        result = check_notebook(source_notebook(lesson))
        checks.append(time.perf_counter() - started)
        runs.append(run_once(lesson)[0])
    check_s, run_s = statistics.median(checks), statistics.median(runs)
    return {"lesson": lesson, "runs": repeat, "check_median_s": round(check_s, 1), "lesson_median_s": round(run_s, 1),
            "check / lesson": round(check_s / run_s, 2), "score": f"{result.score:g}/{result.max_score:g}"}
