"""nbgrader inside one grading process: a throw-away course with the lesson generated in it, the
submission copied in as the one student (its test cells restored from the originals by
nbgrader), autograded with the resilient executor under the memory watchdog, then scored from
the gradebook with a note for every point lost.

Example:
    >>> result = grade_submission("ann", "01_monotonic_xgboost", Path("ann.ipynb"), Path("scratch"))  # doctest: +SKIP
    >>> result.score, result.max_score  # doctest: +SKIP
    (9.0, 9.0)
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from traitlets.config import Config

from workshop_tools.grading.grade_cells import autograded_max, tampered_cells
from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.grading.submissions import extra_files_note, read_submission
from workshop_tools.nbgrader_course import (
    course_file,
    generate_assignments,
    gradebook_url,
    nbgrader_config,
    stage_source,
    use_this_environment,
)
from workshop_tools.settings import COURSE_ID, DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT
from workshop_utils.memory_sizes import parse_size
from workshop_utils.paths import PROJECT_ROOT

STUDENT_ID = "student"
"""The id every submission is graded under inside its private course (real names stay outside)."""


def failed_cell_notes(autograded: nbformat.NotebookNode) -> list[str]:
    """One note per graded cell that lost points (its id and error), and one per other cell
    that crashed, ran out of memory or time (the grader restarted the kernel after it)."""
    from workshop_tools.safe_execution import CELL_TIMED_OUT, RESTART_ERRORS

    notes = []
    for number, cell in enumerate(autograded.cells, start=1):
        meta = cell.metadata.get("nbgrader", {})
        errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
        if cell.cell_type != "code" or not errors:
            continue
        error = errors[-1]
        reason = ("ran past the per-cell time limit" if error.get("ename") == CELL_TIMED_OUT
                  else f"{error.get('ename')}: {str(error.get('evalue'))[:200]}".rstrip(": "))
        if meta.get("grade"):
            notes.append(f"{meta['grade_id']} ({meta.get('points', 0)} points): {reason}")
        elif error.get("ename") in RESTART_ERRORS:
            where = f"cell {meta['grade_id']}" if "grade_id" in meta else f"cell {number}"
            notes.append(f"{where} {reason}; a fresh kernel re-ran the cells before it and grading went on")
    return notes


def scores_from_gradebook(course: Path, lesson: str) -> dict[str, list[float]]:
    """Each autograded cell's [score, points] of the graded submission, by grade id, from the
    course's gradebook."""
    from nbgrader.api import Gradebook

    cells: dict[str, list[float]] = {}
    with Gradebook(gradebook_url(course), COURSE_ID) as book:
        submission = book.find_submission(lesson, STUDENT_ID)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.cell.cell_type == "code":
                    cells[grade.cell.name] = [float(grade.score or 0.0), float(grade.max_score)]
    return cells


def autograde_config(work: Path, cell_timeout: int) -> Config:
    """nbgrader settings for grading: the course's, with the resilient executor."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from workshop_tools.safe_execution import ResilientExecute

    config = nbgrader_config(work, cell_timeout)
    default = Autograde.class_traits()["autograde_preprocessors"].default()
    config.Autograde.autograde_preprocessors = [ResilientExecute if step is Execute else step for step in default]
    return config


def grade_submission(student: str, lesson: str, notebook_path: Path, work: Path,
                     cell_timeout: int = DEFAULT_CELL_TIMEOUT, memory_limit: str = DEFAULT_MEMORY_LIMIT,
                     root: Path = PROJECT_ROOT, feedback: bool = True) -> GradeResult:
    """Grade one submission inside the scratch folder ``work``, in this process (the pool in
    ``process_pool`` runs each in a process of its own); ``feedback`` has nbgrader write its
    feedback page too."""
    maximum = autograded_max(lesson, root)
    submitted, problem = read_submission(notebook_path)
    if submitted is None:
        return GradeResult(student, lesson, 0.0, maximum, [problem, *extra_files_note(notebook_path)])
    use_this_environment()
    from nbgrader.apps import NbGraderAPI

    from workshop_tools.safe_execution import MemoryWatchdog, ResilientExecute

    stage_source(work, [lesson], root)
    generate_assignments(work, [lesson])
    originals = [nbformat.read(course_file(work, step, lesson), 4) for step in ("release", "source")]
    notes = tampered_cells(originals, submitted) + extra_files_note(notebook_path)
    target = course_file(work, "submitted", lesson, STUDENT_ID)
    target.parent.mkdir(parents=True)
    nbformat.write(submitted, target)
    api = NbGraderAPI(config=autograde_config(work, cell_timeout))
    with MemoryWatchdog(parse_size(memory_limit, "memory limit")[0]) as watchdog:
        ResilientExecute.watchdog = watchdog
        outcome = api.autograde(lesson, STUDENT_ID, force=True, create=True)
    graded = course_file(work, "autograded", lesson, STUDENT_ID)
    if not outcome["success"] or not graded.exists():
        reason = "the notebook could not be run to the end"
        if "DeadKernelError" in outcome.get("log", "") + str(outcome.get("error", "")):
            reason = ("the notebook's kernel kept dying (crashes, memory or time limits) even after "
                      "restarts, so no cell could be graded")
        return GradeResult(student, lesson, 0.0, maximum, [*notes, reason])
    notes += failed_cell_notes(nbformat.read(graded, 4))
    cells = scores_from_gradebook(work, lesson)
    score, max_score = sum(s for s, _ in cells.values()), sum(m for _, m in cells.values())
    page = None
    if feedback:
        api.generate_feedback(lesson, STUDENT_ID, force=True)
        written = course_file(work, "feedback", lesson, STUDENT_ID, suffix=".html")
        page = str(written) if written.exists() else None
    return GradeResult(student, lesson, score, max_score, notes, page, cells=cells)
