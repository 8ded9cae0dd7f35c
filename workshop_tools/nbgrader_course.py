"""The course as nbgrader sees it: an nbgrader configuration for a throw-away course folder (so
the project's own folders and any submissions are never written), the lessons staged into it,
and nbgrader's assignments generated from them.

Example:
    >>> nbgrader_config(Path("/tmp/course")).CourseDirectory.course_id
    'responsible_ml'
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from traitlets.config import Config

from workshop_utils.paths import PROJECT_ROOT, source_notebook

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


def nbgrader_config(course_dir: Path, cell_timeout: int = 120) -> Config:
    """Settings for a course folder laid out the nbgrader way (source/, release/, submitted/,
    autograded/, feedback/) with its own gradebook inside it."""
    config = Config()
    config.CourseDirectory.root = str(course_dir)
    config.CourseDirectory.db_url = f"sqlite:///{course_dir / 'gradebook.db'}"
    config.CourseDirectory.course_id = "responsible_ml"
    config.ClearSolutions.code_stub = {"python": CODE_STUB}
    config.ClearSolutions.text_stub = TEXT_STUB
    config.OverwriteCells.add_missing_cells = True
    config.Execute.timeout = cell_timeout
    config.Execute.interrupt_on_timeout = True
    config.Execute.allow_errors = True
    config.Application.log_level = "WARN"
    return config


def stage_source(course_dir: Path, lessons: list[str], root: Path = PROJECT_ROOT) -> None:
    """Copy the lessons' solution notebooks into ``course_dir/source``."""
    for lesson in lessons:
        target = course_dir / "source" / lesson
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source_notebook(lesson, root), target / f"{lesson}.ipynb")


def use_this_environment() -> None:
    """Put this interpreter's ``bin/`` first on PATH: nbgrader runs ``alembic`` and kernels by
    name, and they must come from the course's environment even when it is not activated."""
    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def generate_assignments(course_dir: Path, lessons: list[str]) -> None:
    """Run nbgrader's generate_assignment for each lesson: fills the gradebook with the grade
    cells (and hidden tests) and writes ``course_dir/release``."""
    from nbgrader.apps import NbGraderAPI

    use_this_environment()
    api = NbGraderAPI(config=nbgrader_config(course_dir))
    for lesson in lessons:
        result = api.generate_assignment(lesson, force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not generate {lesson}:\n{result['log']}"
                               f"{result.get('error', '')}")
