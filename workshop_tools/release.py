"""`workshop release`: regenerate the learners' notebooks (``notebooks/``) from ``solutions/``.

Example:
    >>> release_lessons()  # doctest: +SKIP
    [PosixPath('.../notebooks/01_monotonic_xgboost/01_monotonic_xgboost.ipynb')]
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from workshop_tools.nbgrader_course import course_file, generate_assignments, stage_source
from workshop_utils.exercises.engine import SETTINGS_FILE
from workshop_utils.paths import NOTEBOOKS, PROJECT_ROOT, lesson_names, lesson_notebook


def set_worked_solutions(destination: Path, on: bool) -> Path:
    """Write the setting that switches the exercises' worked solutions (and model answers) on or
    off for the notebooks in ``destination`` (``SETTINGS_FILE`` there, read by the exercise engine)."""
    path = Path(destination) / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"worked_solutions": on}, indent=2) + "\n")
    return path


def release_lessons(root: Path = PROJECT_ROOT, destination: Path | None = None,
                    lessons: list[str] | None = None, worked_solutions: bool | None = None) -> list[Path]:
    """Generate student notebooks (no solutions, no hidden tests, no outputs) for ``lessons``
    (default: all) into ``destination`` (default ``root/notebooks``); return their paths.
    ``worked_solutions`` False (a graded class) or True writes the setting beside them; None
    leaves it as it is."""
    lessons = lessons or lesson_names(root)
    destination = destination or root / NOTEBOOKS
    if worked_solutions is not None:
        set_worked_solutions(destination, worked_solutions)
    written = []
    with tempfile.TemporaryDirectory(prefix="workshop-release-") as scratch:
        course = Path(scratch)
        stage_source(course, lessons, root)
        generate_assignments(course, lessons)
        for lesson in lessons:
            notebook = lesson_notebook(destination, lesson)
            notebook.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(course_file(course, "release", lesson), notebook)
            written.append(notebook)
    return written
