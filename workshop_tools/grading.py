"""`workshop grade`: autograde a folder of submissions with nbgrader, safely.

Layout read: ``SUBMITTED/<student>/<lesson>/<lesson>.ipynb``. Written: ``OUT/grades.csv`` (one
row per student and lesson: ``student,assignment,score,max_score``, autograded points) and
``OUT/feedback/<student>/<lesson>.html``. Each (student, lesson) is graded in its own process
with its own throw-away nbgrader course, so a submission that hangs, crashes or is malformed
costs only that student's points, and the submission files are only ever read.

Example:
    >>> results = grade_class(Path("submitted"), Path("graded"))  # doctest: +SKIP
    >>> results[0].score, results[0].max_score  # doctest: +SKIP
    (9.0, 9.0)
"""

from __future__ import annotations

import csv
import html
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from traitlets.config import Config

from workshop_tools.nbgrader_course import generate_assignments, nbgrader_config, stage_source, use_this_environment
from workshop_utils.memory_sizes import parse_size
from workshop_utils.paths import PROJECT_ROOT, lesson_names

STUDENT_ID = "student"
"""The id every submission is graded under inside its private course (real names stay outside)."""

RESTART_ERRORS = {"MemoryLimitExceeded", "KernelDied", "CellTimeoutError"}
"""Errors after which the grader restarted the kernel (see ``safe_execution``)."""

DEFAULT_MEMORY_LIMIT = "4G"
"""Memory a submission's kernel (and its Java) may hold: a lesson needs at most 3 GB."""

DEFAULT_CELL_TIMEOUT = 120
"""Seconds one cell of a submission may run: several times the slowest cell of any lesson (lesson
08's cross-validation, 25 to 34 s in the runs measured on a 2-core machine)."""

QUIET_THREADS = {"OMP_WAIT_POLICY": "PASSIVE"}
"""Set for every grading process and its kernel: OpenMP threads (XGBoost's, scikit-learn's) sleep
instead of spinning while they wait, so two submissions graded at once on 2 cores do not burn
each other's time. Results do not change; on this machine 4 copies of lesson 01 graded two at a
time took 80 s with it and 303 s without (one run each)."""


@dataclass
class GradeResult:
    """One student's grade for one lesson, with the reasons any points were lost."""

    student: str
    assignment: str
    score: float
    max_score: float
    notes: list[str] = field(default_factory=list)
    feedback_html: str | None = None


def autograded_max(lesson: str, root: Path = PROJECT_ROOT) -> float:
    """Total points of the lesson's autograded (code test) cells, read from the solution."""
    notebook = nbformat.read(root / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    return float(sum(cell.metadata.get("nbgrader", {}).get("points", 0) for cell in notebook.cells
                     if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")))


def read_submission(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """The submitted notebook, or None with the reason it cannot be graded."""
    if not path.exists():
        return None, f"no notebook found at {path.name} (expected <student>/<lesson>/<lesson>.ipynb)"
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # any parse or schema failure means the same thing to the student
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return None, f"the notebook is not valid Jupyter JSON, so nothing could run ({first_line[:200]})"
    return notebook, None


def test_cells(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Source of each autograded test cell, by grade id."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source.strip() for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")}


def tampered_cells(originals: list[nbformat.NotebookNode], submitted: nbformat.NotebookNode) -> list[str]:
    """Notes on test cells the submission deleted or edited, compared with each version a
    student may hold (the released and the source notebook); grading restores the originals."""
    found = test_cells(submitted)
    versions = [test_cells(notebook) for notebook in originals]
    notes = []
    for grade_id in versions[0]:
        if grade_id not in found:
            notes.append(f"test cell {grade_id} was deleted; the original was put back and graded")
        elif all(found[grade_id] != version.get(grade_id) for version in versions):
            notes.append(f"test cell {grade_id} was edited; the original was graded instead")
    return notes


def failed_cell_notes(autograded: nbformat.NotebookNode) -> list[str]:
    """One note per graded cell that lost points (its id and error), and one per other cell
    that crashed, ran out of memory or time (the grader restarted the kernel after it)."""
    notes = []
    for number, cell in enumerate(autograded.cells, start=1):
        meta = cell.metadata.get("nbgrader", {})
        errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
        if cell.cell_type != "code" or not errors:
            continue
        error = errors[-1]
        reason = ("ran past the per-cell time limit" if error.get("ename") == "CellTimeoutError"
                  else f"{error.get('ename')}: {str(error.get('evalue'))[:200]}".rstrip(": "))
        if meta.get("grade"):
            notes.append(f"{meta['grade_id']} ({meta.get('points', 0)} points): {reason}")
        elif error.get("ename") in RESTART_ERRORS:
            where = f"cell {meta['grade_id']}" if "grade_id" in meta else f"cell {number}"
            notes.append(f"{where} {reason}; a fresh kernel re-ran the cells before it and grading went on")
    return notes


def scores_from_gradebook(course: Path, lesson: str) -> tuple[float, float]:
    """Autograded score and maximum of the graded submission, from the course's gradebook."""
    from nbgrader.api import Gradebook

    score = maximum = 0.0
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "responsible_ml") as book:
        submission = book.find_submission(lesson, STUDENT_ID)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.cell.cell_type == "code":
                    score += grade.score or 0.0
                    maximum += grade.max_score
    return score, maximum


def extra_files_note(notebook_path: Path) -> list[str]:
    """A note naming files beside the notebook, which grading ignores."""
    folder = notebook_path.parent
    if not folder.is_dir():
        return []
    extra = sorted(p.name for p in folder.iterdir() if p != notebook_path and not p.name.startswith("."))
    return [f"ignored the other files in your lesson folder: {', '.join(extra[:10])}"] if extra else []


def autograde_config(work: Path, cell_timeout: int) -> Config:
    """nbgrader settings for grading: the course's, with the resilient executor."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from workshop_tools.safe_execution import ResilientExecute

    config = nbgrader_config(work, cell_timeout)
    default = Autograde.class_traits()["autograde_preprocessors"].default()
    config.Autograde.autograde_preprocessors = [ResilientExecute if step is Execute else step for step in default]
    return config


def grade_one(student: str, lesson: str, notebook_path: Path, work: Path, cell_timeout: int = DEFAULT_CELL_TIMEOUT,
              memory_limit: str = DEFAULT_MEMORY_LIMIT, root: Path = PROJECT_ROOT) -> GradeResult:
    """Grade one submission inside the scratch folder ``work`` (this process; see ``grade_class``
    for the isolated, parallel version)."""
    maximum = autograded_max(lesson, root)
    submitted, problem = read_submission(notebook_path)
    if submitted is None:
        return GradeResult(student, lesson, 0.0, maximum, [problem, *extra_files_note(notebook_path)])
    use_this_environment()
    from nbgrader.apps import NbGraderAPI

    from workshop_tools.safe_execution import MemoryWatchdog, ResilientExecute

    stage_source(work, [lesson], root)
    generate_assignments(work, [lesson])
    originals = [nbformat.read(work / step / lesson / f"{lesson}.ipynb", 4) for step in ("release", "source")]
    notes = tampered_cells(originals, submitted) + extra_files_note(notebook_path)
    target = work / "submitted" / STUDENT_ID / lesson
    target.mkdir(parents=True)
    nbformat.write(submitted, target / f"{lesson}.ipynb")
    api = NbGraderAPI(config=autograde_config(work, cell_timeout))
    with MemoryWatchdog(parse_size(memory_limit, "memory limit")[0]) as watchdog:
        ResilientExecute.watchdog = watchdog
        outcome = api.autograde(lesson, STUDENT_ID, force=True, create=True)
    graded = work / "autograded" / STUDENT_ID / lesson / f"{lesson}.ipynb"
    if not outcome["success"] or not graded.exists():
        reason = "the notebook could not be run to the end"
        if "DeadKernelError" in outcome.get("log", "") + str(outcome.get("error", "")):
            reason = ("the notebook's kernel kept dying (crashes, memory or time limits) even after "
                      "restarts, so no cell could be graded")
        return GradeResult(student, lesson, 0.0, maximum, [*notes, reason])
    notes += failed_cell_notes(nbformat.read(graded, 4))
    score, max_score = scores_from_gradebook(work, lesson)
    api.generate_feedback(lesson, STUDENT_ID, force=True)
    feedback = work / "feedback" / STUDENT_ID / lesson / f"{lesson}.html"
    return GradeResult(student, lesson, score, max_score, notes,
                       str(feedback) if feedback.exists() else None)


def notes_html(result: GradeResult) -> str:
    """A short HTML block with the score and every reason points were lost."""
    items = "".join(f"<li>{html.escape(note)}</li>" for note in result.notes) or "<li>none</li>"
    return (f'<div id="workshop-grading" style="border:2px solid #2471a3;padding:1em;margin:1em">'
            f"<h2>{html.escape(result.assignment)}: {result.score:g} / {result.max_score:g} "
            f"autograded points</h2><p>Written answers are graded by hand and are not included."
            f"</p><p>Grading notes:</p><ul>{items}</ul></div>")


def write_feedback(result: GradeResult, out: Path) -> Path:
    """Write the student's feedback page (nbgrader's, with the grading notes on top)."""
    target = out / "feedback" / result.student / f"{result.assignment}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    body = Path(result.feedback_html).read_text() if result.feedback_html else "<html><body></body></html>"
    marker = body.find("<body")
    insert_at = body.find(">", marker) + 1 if marker >= 0 else 0
    target.write_text(body[:insert_at] + notes_html(result) + body[insert_at:])
    return target


def run_job(student: str, lesson: str, notebook: Path, cell_timeout: int, memory_limit: str,
            out: Path) -> subprocess.Popen:
    """Start grading one submission in a child process (result on its stdout as JSON)."""
    command = [sys.executable, "-m", "workshop_tools.grading", student, lesson, str(notebook),
               str(cell_timeout), memory_limit, str(out)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, env={**os.environ, **QUIET_THREADS})


def collect(job: subprocess.Popen, student: str, lesson: str, maximum: float,
            timeout: float) -> GradeResult:
    """Wait for a grading process; a crash or overrun becomes a zero with the reason."""
    try:
        stdout, stderr = job.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        job.kill()
        job.communicate()
        return GradeResult(student, lesson, 0.0, maximum,
                           [f"grading this notebook took longer than {timeout:.0f} s in all and was stopped"])
    lines = stdout.strip().splitlines()
    if job.returncode != 0 or not lines:
        tail = stderr.strip().splitlines()[-1:] or ["no output"]
        return GradeResult(student, lesson, 0.0, maximum, [f"the grader failed: {tail[0][:300]}"])
    return GradeResult(**json.loads(lines[-1]))


def find_submissions(submitted: Path, lessons: list[str] | None = None) -> list[tuple[str, str, Path]]:
    """Every (student, lesson, notebook path) to grade: each student folder, and each lesson that
    any student submitted (or the ``lessons`` asked for); missing notebooks are kept, to be
    graded zero with the reason."""
    if not submitted.is_dir():
        raise FileNotFoundError(f"{submitted} is not a folder. Fix: pass the folder holding one "
                                "sub-folder per student (<student>/<lesson>/<lesson>.ipynb).")
    known = lesson_names()
    students = sorted(p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith("."))
    if lessons is None:
        lessons = [lesson for lesson in known if any((submitted / s / lesson).exists() for s in students)]
    unknown = [lesson for lesson in lessons if lesson not in known]
    if unknown:
        raise ValueError(f"unknown lesson(s) {unknown}; the lessons are {known}")
    return [(s, lesson, submitted / s / lesson / f"{lesson}.ipynb") for s in students for lesson in lessons]


def grade_class(submitted: Path, out: Path, lessons: list[str] | None = None, jobs: int = 1,
                cell_timeout: int = DEFAULT_CELL_TIMEOUT, memory_limit: str = DEFAULT_MEMORY_LIMIT,
                job_timeout: float = 1800,
                progress: Callable[[GradeResult], None] | None = None) -> list[GradeResult]:
    """Grade every submission (``jobs`` at a time), write ``grades.csv`` and feedback to ``out``."""
    parse_size(memory_limit, "memory limit")  # a bad value fails now, not in every job
    work = find_submissions(Path(submitted), lessons)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results: list[GradeResult] = []
    pending = list(work)
    running: list[tuple[subprocess.Popen, str, str, float]] = []
    while pending or running:
        while pending and len(running) < max(1, jobs):
            student, lesson, notebook = pending.pop(0)
            running.append((run_job(student, lesson, notebook, cell_timeout, memory_limit, out),
                            student, lesson, time.monotonic()))
        job, student, lesson, started = running.pop(0)
        remaining = max(1.0, job_timeout - (time.monotonic() - started))
        result = collect(job, student, lesson, autograded_max(lesson), remaining)
        if result.feedback_html is None:
            result.feedback_html = str(write_feedback(result, out))
        results.append(result)
        if progress:
            progress(result)
    results.sort(key=lambda r: (r.student, r.assignment))
    with open(out / "grades.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "score", "max_score"])
        for result in results:
            writer.writerow([result.student, result.assignment, f"{result.score:g}", f"{result.max_score:g}"])
    return results


def _main(argv: list[str]) -> None:
    """Child-process entry: grade one submission in a scratch folder, print the result as JSON."""
    student, lesson, notebook, cell_timeout, memory_limit, out = argv
    with tempfile.TemporaryDirectory(prefix="workshop-grade-") as scratch:
        result = grade_one(student, lesson, Path(notebook), Path(scratch), int(cell_timeout), memory_limit)
        result.feedback_html = str(write_feedback(result, Path(out)))  # before scratch goes
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    _main(sys.argv[1:])
