"""``grade_class``: every submission in a class folder graded in a process of its own (see
``worker``), in a sandbox of its own (see ``contained``), ``jobs`` at a time, each with a time
limit for the whole notebook; then the grades table. A grading process that crashes or overruns
costs only its own submission's points.

A run holds the output folder's lock (``run_lock``), keeps each finished result in the state
file (``resume``) and writes ``grades.csv`` once every submission is graded, in one step. Stopped
part-way (Ctrl-C, a kill), it leaves no table; the same command run again grades only what was
not finished, or changed since, and then writes the table.

Example:
    >>> results = grade_class(Path("submitted"), Path("graded"))  # doctest: +SKIP
    >>> results[0].score, results[0].max_score  # doctest: +SKIP
    (9.0, 9.0)
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from workshop_tools.class_gradebook.course import prepare_class_course
from workshop_tools.class_gradebook.recording import record_autograded
from workshop_tools.grading.atomic_files import write_atomically
from workshop_tools.grading.autograde import STUDENT_ID
from workshop_tools.grading.contained import (
    grading_command,
    grading_environment,
    remove_scratch,
    require_sandbox,
    stage_notebook,
    trusted,
)
from workshop_tools.grading.feedback_page import write_feedback
from workshop_tools.grading.grade_cells import autograded_max
from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.grading.grades_csv import grades_csv_path, write_grades
from workshop_tools.grading.progress import ProgressClock
from workshop_tools.grading.resume import entry_name, load_state, reusable, save_state, state_entry, submission_key
from workshop_tools.grading.run_lock import run_lock
from workshop_tools.grading.submissions import extra_files_note, find_submissions, read_submission
from workshop_tools.grading.worker import COURSE_FOLDER, read_result, worker_command
from workshop_tools.nbgrader_course import course_file
from workshop_tools.settings import DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT
from workshop_utils.memory_sizes import parse_size
from workshop_utils.paths import feedback_page

DEFAULT_JOB_TIMEOUT = 1800.0
"""Seconds one grading process may take in all before it is stopped and graded zero."""

STOP_SIGNALS = {-signal.SIGINT, -signal.SIGTERM, -signal.SIGHUP}
"""Return codes of a grading process stopped with the run (Ctrl-C reaches the whole process
group): such a process was interrupted, not failed, and its submission is graded on the rerun."""


class GradingInterrupted(Exception):
    """The run was stopped while this submission was being graded."""


@dataclass(frozen=True)
class GradingOptions:
    """How each submission is graded."""

    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    job_timeout: float = DEFAULT_JOB_TIMEOUT
    sandbox: bool = True
    feedback: bool = True  # each submission's feedback page (not part of the grade)

    def scoring(self) -> dict[str, object]:
        """The options a grade depends on (a rerun with other values grades again).

        >>> GradingOptions().scoring()
        {'cell_timeout': 120, 'memory_limit': '4G', 'sandbox': True}
        """
        return {"cell_timeout": self.cell_timeout, "memory_limit": self.memory_limit, "sandbox": self.sandbox}


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


AUTOGRADED_FOLDER = ".autograded"
"""Where, in the output folder, the graded notebooks wait for the class gradebook."""


def keep_autograded(scratch: Path, out: Path, student: str, lesson: str) -> str | None:
    """Copy the notebook nbgrader graded in ``scratch`` to ``OUT/.autograded/<student>/<lesson>.ipynb``
    for the class gradebook (a regular file only, never a link); its path, or None."""
    graded = course_file(scratch / COURSE_FOLDER, "autograded", lesson, STUDENT_ID)
    if not graded.is_file() or graded.is_symlink():
        return None
    kept = out / AUTOGRADED_FOLDER / student / f"{lesson}.ipynb"
    write_atomically(kept, graded.read_text(errors="replace"))
    return str(kept)


class ClassGrader:
    """Grades submissions in threads, one grading process each, and stops them all at once."""

    def __init__(self, out: Path, hidden: Sequence[Path], options: GradingOptions) -> None:
        self.out, self.hidden, self.options = out, list(hidden), options
        self.lock = threading.Lock()
        self.live: set[subprocess.Popen] = set()
        self.stopping = False

    def start(self, command: list[str]) -> subprocess.Popen:
        """Start a grading process, unless the run is stopping."""
        with self.lock:
            if self.stopping:
                raise GradingInterrupted
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       errors="replace", stdin=subprocess.DEVNULL, env=grading_environment())
            self.live.add(process)
            return process

    def stop(self) -> None:
        """End every grading process now (their sandboxes end everything inside)."""
        with self.lock:
            self.stopping = True
            for process in self.live:
                process.kill()

    def grade(self, student: str, lesson: str, notebook: Path) -> GradeResult:
        """Grade one submission in a fresh scratch folder; write its feedback page."""
        maximum = autograded_max(lesson)
        if not notebook.exists():  # nothing to run: no grading process, no sandbox
            _, problem = read_submission(notebook)
            return self.finish(GradeResult(student, lesson, 0.0, maximum, [problem]), notebook)
        scratch = Path(tempfile.mkdtemp(prefix="workshop-grade-"))
        try:
            command = worker_command(student, lesson, stage_notebook(notebook, scratch), self.options.cell_timeout,
                                     self.options.memory_limit, scratch, self.options.feedback)
            process = self.start(grading_command(command, scratch, self.hidden, self.options.sandbox))
            try:
                printed = wait_for_grade(process, student, lesson, maximum, self.options.job_timeout)
            finally:
                with self.lock:
                    self.live.discard(process)
            if self.stopping or process.returncode in STOP_SIGNALS:
                raise GradingInterrupted
            result = trusted(printed, student, lesson, maximum, scratch)
            result.autograded_notebook = keep_autograded(scratch, self.out, student, lesson)
            return self.finish(result, notebook)
        finally:
            remove_scratch(scratch)

    def finish(self, result: GradeResult, notebook: Path) -> GradeResult:
        """Add the notes on extra files and the sandbox, and write the feedback page."""
        result.notes += extra_files_note(notebook)
        result.sandboxed = self.options.sandbox
        if self.options.feedback:
            result.feedback_html = str(write_feedback(result, self.out))
        return result

    def grade_all(self, pending: list[tuple[str, str, Path]], jobs: int,
                  finished: Callable[[GradeResult], None]) -> None:
        """Grade ``pending``, ``jobs`` at a time, calling ``finished`` with each result as it
        comes; on any interruption stop everything before handing it on."""
        with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="grading") as pool:
            futures = [pool.submit(self.grade, *item) for item in pending]
            try:
                for future in as_completed(futures):
                    finished(future.result())
            except BaseException:
                for future in futures:
                    future.cancel()
                self.stop()
                raise


def grade_class(submitted: Path, out: Path, lessons: list[str] | None = None, jobs: int = 1,
                cell_timeout: int = DEFAULT_CELL_TIMEOUT, memory_limit: str = DEFAULT_MEMORY_LIMIT,
                job_timeout: float = DEFAULT_JOB_TIMEOUT, progress: Callable[[str], None] | None = None,
                sandbox: bool = True, regrade: bool = False, class_gradebook: bool = True,
                feedback: bool = True) -> list[GradeResult]:
    """Grade every submission (``jobs`` at a time) not graded yet into ``out`` (every one with
    ``regrade``), then write ``grades.csv``; ``progress`` gets a line per graded submission.
    ``class_gradebook`` records each graded notebook in the class course for hand grading
    (``workshop check``, grading one learner's own notebook, needs none, nor ``feedback`` pages).
    Raises ``SandboxUnavailable`` when ``sandbox`` is on and cannot be made, ``OutputBusy`` when
    another run is writing to ``out``, ``GradingInterrupted`` when a grading process was stopped
    from outside."""
    parse_size(memory_limit, "memory limit")  # a bad value fails now, not in every job
    options = GradingOptions(cell_timeout, memory_limit, job_timeout, sandbox, feedback)
    submitted, out = Path(submitted).resolve(), Path(out).resolve()
    found = find_submissions(submitted, lessons)
    out.mkdir(parents=True, exist_ok=True)
    with run_lock(out):
        return _grade_found(found, ClassGrader(out, [submitted, out], options), jobs, regrade,
                            progress or (lambda line: None), class_gradebook)


def _grade_found(found: list[tuple[str, str, Path]], grader: ClassGrader, jobs: int, regrade: bool,
                 say: Callable[[str], None], class_gradebook: bool = True) -> list[GradeResult]:
    """Reuse the finished results that still hold, grade the others, write the table."""
    out = grader.out
    earlier = {} if regrade else load_state(out)
    keys = {entry_name(s, lesson): submission_key(notebook, lesson, grader.options.scoring())
            for s, lesson, notebook in found}
    done = {}
    for student, lesson, _ in found:
        name = entry_name(student, lesson)
        result = reusable(earlier, student, lesson, keys[name], feedback_page(out, student, lesson))
        if result is not None:
            done[name] = result
    entries = {name: earlier[name] for name in done}
    pending = [item for item in found if entry_name(*item[:2]) not in done]
    if done:
        say(f"skipped {len(done)} of {len(found)} submission(s) already graded and unchanged (--regrade grades them again)")
    if pending and grader.options.sandbox:
        require_sandbox()  # only when something is to be graded: a finished run needs no sandbox
    if pending:
        grades_csv_path(out).unlink(missing_ok=True)  # out of date until every submission is graded
    save_state(out, entries)
    clock = ProgressClock(total=len(found), done=len(done), to_grade=len(pending))
    notebooks = {(student, lesson): path for student, lesson, path in found}

    def finished(result: GradeResult) -> None:
        name = entry_name(result.student, result.assignment)
        done[name] = result
        changed = class_gradebook and record_autograded(
            out, result.student, result.assignment, Path(result.autograded_notebook) if result.autograded_notebook else None,
            keys[name]["notebook"], result.notes, notebooks[result.student, result.assignment])
        entries[name] = state_entry(keys[name], result)
        save_state(out, entries)
        say(clock.line(result))
        if changed:
            say(changed)

    if pending and class_gradebook:
        prepare_class_course(out, sorted({lesson for _, lesson, _ in pending}))
    grader.grade_all(pending, jobs, finished)
    results = sorted(done.values(), key=lambda r: (r.student, r.assignment))
    write_grades(results, out)
    return results
