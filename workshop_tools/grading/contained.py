"""Each submission graded in a sandbox of its own (``workshop_tools.sandbox``): its grading
process, kernel and everything they start see no network, the course and the Python environment
read-only, no other submission, no grading output and no home folder, write only their scratch
folder and a private /tmp, with a cap on file sizes; all of it ends when that grading ends.

The submitted notebook is copied into the scratch folder first, so the student's own folder is
never shown inside (nor anyone else's). What comes back out is checked: the result is re-labelled
with the student and lesson that were graded, the score kept within the lesson's points, and the
feedback page read only from inside the scratch folder.

Example:
    >>> command = grading_command(["python", "-c", "pass"], Path("/tmp/s"), hidden=[], sandbox=True)
    >>> command[0], "--unshare-net" in command
    ('bwrap', True)
    >>> grading_command(["python"], Path("/tmp/s"), hidden=[], sandbox=False)
    ['python']
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from workshop_tools.grading.grade_cells import cell_points
from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.sandbox import DEFAULT_MAX_FILE_BYTES, passed_env, sandbox_problem, sandboxed
from workshop_utils.paths import PROJECT_ROOT

QUIET_THREADS = {"OMP_WAIT_POLICY": "PASSIVE"}
"""Set for every grading process and its kernel: OpenMP threads (XGBoost's, scikit-learn's) sleep
instead of spinning while they wait, so two submissions graded at once on 2 cores do not burn
each other's time. Results do not change; on this machine 4 copies of lesson 01 graded two at a
time took 80 s with it and 303 s without (one run each)."""

GRADING_FLAG = {"WORKSHOP_GRADING": "1"}
"""Tells the lesson library a notebook is being graded (it records no learner progress then)."""

SUBMISSION_FOLDER = "submission"
"""Where in the scratch folder the copy of the submitted notebook goes."""

NO_SANDBOX_FIX = "or grade without it, knowingly, with `workshop grade --no-sandbox`"


class SandboxUnavailable(RuntimeError):
    """The grading sandbox cannot be made on this machine (the message says why and the fix)."""


def require_sandbox() -> None:
    """Raise ``SandboxUnavailable`` when bubblewrap cannot make the sandbox here."""
    problem = sandbox_problem()
    if problem is not None:
        raise SandboxUnavailable(f"the grading sandbox cannot be made here: {problem.rstrip('.')}; {NO_SANDBOX_FIX}.")


def grading_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a grading process: this one's (or ``environ``), with
    ``QUIET_THREADS`` and ``GRADING_FLAG`` on top."""
    return {**(os.environ if environ is None else environ), **QUIET_THREADS, **GRADING_FLAG}


def readable_folders(environ: Mapping[str, str]) -> list[Path]:
    """What a sandboxed grading process may read besides the system and the Python environment:
    the course checkout, the folders on ``PYTHONPATH`` and the data folder when it is moved.

    >>> PROJECT_ROOT in readable_folders({})
    True
    """
    extra = [*environ.get("PYTHONPATH", "").split(os.pathsep), environ.get("WORKSHOP_DATA_DIR", "")]
    return [PROJECT_ROOT, *(Path(folder).resolve() for folder in extra if folder)]


def grading_command(command: Sequence[str], scratch: Path, hidden: Sequence[Path], sandbox: bool,
                    environ: Mapping[str, str] | None = None) -> list[str]:
    """``command`` run in the submission's sandbox (``scratch`` its only writable folder,
    ``hidden`` folders empty inside), or as it is when ``sandbox`` is off."""
    if not sandbox:
        return list(command)
    env = grading_environment(environ)
    return sandboxed(command, scratch=scratch, readable=readable_folders(env), hidden=hidden,
                     max_file_bytes=DEFAULT_MAX_FILE_BYTES, env=passed_env(env))


def stage_notebook(notebook: Path, scratch: Path) -> Path:
    """Copy the submitted notebook (a regular file only, never what a link points to) into
    ``scratch``; return where grading reads it (absent when there was nothing to copy)."""
    copy = scratch / SUBMISSION_FOLDER / notebook.name
    copy.parent.mkdir(mode=0o755)
    if notebook.is_file() and not notebook.is_symlink():
        shutil.copyfile(notebook, copy)
        copy.chmod(0o644)
    return copy


def trusted(result: GradeResult, student: str, lesson: str, maximum: float, scratch: Path) -> GradeResult:
    """The result a (possibly tampered-with) grading process printed, made safe to use: the
    student and lesson graded, a score between 0 and the lesson's points, text notes, and a
    feedback page only when it is a file inside ``scratch``.

    >>> safe = trusted(GradeResult("bob", "02_y", 99.0, 99.0, ["n"], "/etc/shadow"), "ann", "01_x", 9.0, Path("/tmp/s"))
    >>> safe.student, safe.assignment, safe.score, safe.notes, safe.feedback_html
    ('ann', '01_x', 9.0, ['n'], None)
    """
    try:
        score = min(max(float(result.score), 0.0), maximum)
    except (TypeError, ValueError):
        score = 0.0
    notes = [str(note) for note in result.notes] if isinstance(result.notes, list) else []
    page = None
    if isinstance(result.feedback_html, str):
        path = Path(result.feedback_html).resolve()
        page = str(path) if path.is_relative_to(scratch.resolve()) and path.is_file() else None
    return GradeResult(student, lesson, score, maximum, notes, page, cells=trusted_cells(result.cells, lesson))


def trusted_cells(cells: object, lesson: str) -> dict[str, list[float]]:
    """Per-cell scores a grading process reported, kept only for the lesson's real autograded
    cells, each score between 0 and that cell's points from the source.

    >>> trusted_cells({"ex1_constraints_test": [9, 2], "made_up": [5, 5]}, "01_monotonic_xgboost")
    {'ex1_constraints_test': [2.0, 2.0]}
    """
    if not isinstance(cells, dict) or not cells:
        return {}
    points = cell_points(lesson)
    kept: dict[str, list[float]] = {}
    for grade_id, pair in cells.items():
        try:
            kept[grade_id] = [min(max(float(pair[0]), 0.0), points[grade_id]), points[grade_id]]
        except (KeyError, TypeError, ValueError, IndexError):
            continue
    return kept


def remove_scratch(scratch: Path) -> None:
    """Delete a scratch folder, even folders a submission made unreadable or unwritable."""
    def unlock(function, path, _):
        parent = os.path.dirname(path)
        for folder in (parent, path):
            if os.path.isdir(folder) and not os.path.islink(folder):
                os.chmod(folder, stat.S_IRWXU)
        with contextlib.suppress(OSError):
            function(path)

    shutil.rmtree(scratch, onerror=unlock)
