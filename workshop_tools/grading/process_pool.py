"""``grade_class``: every submission in a class folder graded in a process of its own (see
``worker``), ``jobs`` at a time, each with a time limit for the whole notebook; then the grades
table. A grading process that crashes or overruns costs only its own submission's points.

Example:
    >>> results = grade_class(Path("submitted"), Path("graded"))  # doctest: +SKIP
    >>> results[0].score, results[0].max_score  # doctest: +SKIP
    (9.0, 9.0)
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from workshop_tools.grading.feedback_page import write_feedback
from workshop_tools.grading.grade_cells import autograded_max
from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.grading.grades_csv import write_grades
from workshop_tools.grading.submissions import find_submissions
from workshop_tools.grading.worker import read_result, worker_command
from workshop_tools.settings import DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT
from workshop_utils.memory_sizes import parse_size

DEFAULT_JOB_TIMEOUT = 1800.0
"""Seconds one grading process may take in all before it is stopped and graded zero."""

QUIET_THREADS = {"OMP_WAIT_POLICY": "PASSIVE"}
"""Set for every grading process and its kernel: OpenMP threads (XGBoost's, scikit-learn's) sleep
instead of spinning while they wait, so two submissions graded at once on 2 cores do not burn
each other's time. Results do not change; on this machine 4 copies of lesson 01 graded two at a
time took 80 s with it and 303 s without (one run each)."""


def grading_environment() -> dict[str, str]:
    """The environment of a grading process: this one's, with ``QUIET_THREADS`` on top."""
    return {**os.environ, **QUIET_THREADS}


def start_grading_process(student: str, lesson: str, notebook: Path, cell_timeout: int, memory_limit: str,
                          out: Path) -> subprocess.Popen:
    """Start grading one submission in a child process (result on its stdout as JSON)."""
    return subprocess.Popen(worker_command(student, lesson, notebook, cell_timeout, memory_limit, out),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, env=grading_environment())


def wait_for_grade(process: subprocess.Popen, student: str, lesson: str, maximum: float,
                   timeout: float) -> GradeResult:
    """Wait for a grading process; a crash or overrun becomes a zero with the reason."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return GradeResult(student, lesson, 0.0, maximum,
                           [f"grading this notebook took longer than {timeout:.0f} s in all and was stopped"])
    result = read_result(stdout) if process.returncode == 0 else None
    if result is None:
        tail = stderr.strip().splitlines()[-1:] or ["no output"]
        return GradeResult(student, lesson, 0.0, maximum, [f"the grader failed: {tail[0][:300]}"])
    return result


def grade_class(submitted: Path, out: Path, lessons: list[str] | None = None, jobs: int = 1,
                cell_timeout: int = DEFAULT_CELL_TIMEOUT, memory_limit: str = DEFAULT_MEMORY_LIMIT,
                job_timeout: float = DEFAULT_JOB_TIMEOUT,
                progress: Callable[[GradeResult], None] | None = None) -> list[GradeResult]:
    """Grade every submission (``jobs`` at a time), write ``grades.csv`` and feedback to ``out``."""
    parse_size(memory_limit, "memory limit")  # a bad value fails now, not in every job
    pending = find_submissions(Path(submitted), lessons)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results: list[GradeResult] = []
    running: list[tuple[subprocess.Popen, str, str, float]] = []
    while pending or running:
        while pending and len(running) < max(1, jobs):
            student, lesson, notebook = pending.pop(0)
            running.append((start_grading_process(student, lesson, notebook, cell_timeout, memory_limit, out),
                            student, lesson, time.monotonic()))
        process, student, lesson, started = running.pop(0)
        remaining = max(1.0, job_timeout - (time.monotonic() - started))
        result = wait_for_grade(process, student, lesson, autograded_max(lesson), remaining)
        if result.feedback_html is None:
            result.feedback_html = str(write_feedback(result, out))
        results.append(result)
        if progress:
            progress(result)
    results.sort(key=lambda r: (r.student, r.assignment))
    write_grades(results, out)
    return results
