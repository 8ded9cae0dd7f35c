"""Wall time and peak memory (kernel and every child, Java included) of each solution notebook.

Example: ``python -m benchmarks lessons --repeat 3``.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from workshop_utils.course import PROJECT_ROOT, SOLUTIONS, lesson_names


class PeakMemory:
    """Samples the summed resident memory of a process tree until stopped; keeps the peak."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval, self.peak, self.pid = interval, 0, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.pid is not None:
                try:
                    root = psutil.Process(self.pid)
                    tree = [root, *root.children(recursive=True)]
                    self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
                except psutil.Error:
                    pass
            time.sleep(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def run_once(lesson: str) -> tuple[float, float]:
    """Execute one lesson top to bottom in a fresh kernel: (seconds, peak GB of kernel + Java)."""
    path = PROJECT_ROOT / SOLUTIONS / lesson / f"{lesson}.ipynb"
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
