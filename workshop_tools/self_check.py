"""`workshop check NOTEBOOK`: one learner's notebook graded exactly as `workshop grade` grades a
class (the same grading process, sandbox and hidden cases), on a copy in a temporary class
folder, so the notebook itself is never written. It reports each autograded exercise's points
and message, and the score.

Example:
    >>> result = check_notebook(Path("notebooks/01_monotonic_xgboost/01_monotonic_xgboost.ipynb"))  # doctest: +SKIP
    >>> print(report(result))  # doctest: +SKIP
    ✗ ex1_constraints_test  0/2  Constraints from correlations: on a toy table ...
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from workshop_tools.grading.grade_cells import cell_points
from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.settings import DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT
from workshop_utils.paths import lesson_names, submitted_notebook

LEARNER = "you"
"""The student name the copy is graded under."""


def lesson_of(notebook: Path, lesson: str | None = None) -> str:
    """The lesson a notebook belongs to: ``lesson`` if given, else its file name (``NN_slug.ipynb``).

    >>> lesson_of(Path("anywhere/01_monotonic_xgboost.ipynb"))
    '01_monotonic_xgboost'
    """
    name = lesson or Path(notebook).stem
    if name not in lesson_names():
        raise ValueError(f"{notebook} is not named after a lesson ({', '.join(lesson_names())}); "
                         "name its lesson with --lesson")
    return name


def check_notebook(notebook: Path, lesson: str | None = None, sandbox: bool = True,
                   cell_timeout: int = DEFAULT_CELL_TIMEOUT, memory_limit: str = DEFAULT_MEMORY_LIMIT) -> GradeResult:
    """Grade a copy of ``notebook`` as the only student of a temporary class; return its grade."""
    from workshop_tools.grading.process_pool import grade_class

    notebook = Path(notebook)
    if not notebook.is_file():
        raise FileNotFoundError(f"{notebook} is not a file: give the path of your lesson notebook")
    lesson = lesson_of(notebook, lesson)
    with tempfile.TemporaryDirectory(prefix="workshop-check-") as scratch:
        copy = submitted_notebook(Path(scratch) / "class", LEARNER, lesson)
        copy.parent.mkdir(parents=True)
        shutil.copyfile(notebook, copy)
        [result] = grade_class(Path(scratch) / "class", Path(scratch) / "graded", [lesson], jobs=1,
                               cell_timeout=cell_timeout, memory_limit=memory_limit, sandbox=sandbox,
                               class_gradebook=False, feedback=False)
    return result


def report(result: GradeResult) -> str:
    """One line per autograded cell, in the lesson's order (✓ or ✗, points, the reason a point
    was lost), the other grading notes, and the score.

    >>> lines = report(GradeResult("you", "01_monotonic_xgboost", 2.0, 11.0,
    ...     ["ex2_pd_test (3 points): ExerciseFailed: Partial dependence by hand: on a toy, expected 2, got 3."],
    ...     cells={"ex1_constraints_test": [2.0, 2.0], "ex2_pd_test": [0.0, 3.0]})).splitlines()
    >>> for line in [*lines[:2], lines[3], lines[-1]]: print(line)
    ✓ ex1_constraints_test  2/2
    ✗ q1_constraint_test  0/1
    ✗ ex2_pd_test  0/3  Partial dependence by hand: on a toy, expected 2, got 3.
    Score: 2 / 11 autograded points, as `workshop grade` would give (written answers are graded by hand).
    """
    reasons = {note.split(" (", 1)[0]: note.split(": ", 1)[-1].removeprefix("ExerciseFailed: ")
               for note in result.notes if " points): " in note}
    lines, points_by_cell = [], cell_points(result.assignment)
    for grade_id, points in points_by_cell.items():
        score, points = result.cells.get(grade_id, [0.0, points])
        mark = "✓" if score >= points else "✗"
        lines.append(f"{mark} {grade_id}  {score:g}/{points:g}" + (f"  {reasons[grade_id]}" if grade_id in reasons else ""))
    lines += [f"note: {note}" for note in result.notes if note.split(" (", 1)[0] not in points_by_cell]
    lines.append(f"Score: {result.score:g} / {result.max_score:g} autograded points, as `workshop grade` would give "
                 "(written answers are graded by hand).")
    return "\n".join(lines)
