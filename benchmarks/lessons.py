"""Wall time and peak memory (kernel and every child, Java included) of each solution notebook.

Example: ``python -m benchmarks lessons --repeat 3``.
"""

from __future__ import annotations

import statistics
import time

import nbformat
from nbclient import NotebookClient

from workshop_tools.process_memory import PeakMemory
from workshop_utils.paths import lesson_names, source_notebook

BUDGET_GB = 3.0
"""Every lesson's memory budget: kernel and Java together."""


def budget_seconds(lesson: str) -> int:
    """A lesson's time budget, top to bottom: 90 s for the core lessons (01-08), 60 s from 09 on.

    >>> budget_seconds("08_glm_to_gbm"), budget_seconds("09_glass_box_models")
    (90, 60)
    """
    return 90 if int(lesson[:2]) <= 8 else 60


def run_once(lesson: str) -> tuple[float, float]:
    """Execute one lesson top to bottom in a fresh kernel: (seconds, peak GB of kernel + Java)."""
    path = source_notebook(lesson)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with PeakMemory() as memory:
        started = time.perf_counter()
        with client.setup_kernel():
            memory.pid = client.km.provisioner.process.pid
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
        seconds = time.perf_counter() - started
    return seconds, memory.peak / 1e9


def benchmark_lessons(lessons: list[str] | None = None, repeat: int = 3) -> list[dict[str, object]]:
    """Median and spread of each lesson's run time over ``repeat`` runs, and its peak memory."""
    rows = []
    for lesson in lessons or lesson_names():
        runs = [run_once(lesson) for _ in range(repeat)]
        times = [seconds for seconds, _ in runs]
        rows.append({"lesson": lesson, "runs": repeat, "median_s": round(statistics.median(times), 1),
                     "min_s": round(min(times), 1), "max_s": round(max(times), 1),
                     "peak_gb": round(max(gb for _, gb in runs), 2)})
    return rows
