"""The course as nbgrader sees it: the settings every nbgrader run of the course shares, an
nbgrader configuration for a throw-away course folder (so the project's own folders and any
submissions are never written), where nbgrader keeps each file in that folder, the lessons
staged into it, and nbgrader's assignments generated from them.

Example:
    >>> nbgrader_config(Path("/tmp/course")).CourseDirectory.course_id
    'responsible_ml'
    >>> course_file(Path("/tmp/course"), "autograded", "01_x", student="ann").as_posix()
    '/tmp/course/autograded/ann/01_x/01_x.ipynb'
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from traitlets.config import Config

from workshop_tools.settings import CODE_STUB, COURSE_ID, DEFAULT_CELL_TIMEOUT, TEXT_STUB
from workshop_utils.paths import PROJECT_ROOT, lesson_notebook, source_notebook


def shared_config(cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> Config:
    """What the ``workshop`` command and an instructor's own nbgrader (the root
    ``nbgrader_config.py``) both use: the stubs, restoring deleted cells, the cell time limit, the
    faster feedback page exporter."""
    config = Config()
    config.ClearSolutions.code_stub = {"python": CODE_STUB}
    config.ClearSolutions.text_stub = TEXT_STUB
    config.OverwriteCells.add_missing_cells = True
    config.Execute.timeout = cell_timeout
    config.GenerateFeedback.exporter_class = "workshop_tools.grading.feedback_exporter.FeedbackExporter"
    return config


def gradebook_url(course_dir: Path) -> str:
    """The database URL of the course folder's own gradebook.

    >>> gradebook_url(Path("/tmp/course"))
    'sqlite:////tmp/course/gradebook.db'
    """
    return f"sqlite:///{course_dir / 'gradebook.db'}"


def nbgrader_config(course_dir: Path, cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> Config:
    """Settings for a course folder laid out the nbgrader way (source/, release/, submitted/,
    autograded/, feedback/) with its own gradebook inside it."""
    config = shared_config(cell_timeout)
    config.CourseDirectory.root = str(course_dir)
    config.CourseDirectory.db_url = gradebook_url(course_dir)
    config.CourseDirectory.course_id = COURSE_ID
    config.Execute.interrupt_on_timeout = True
    config.Execute.allow_errors = True
    config.Application.log_level = "WARN"
    return config


def course_file(course_dir: Path, step: str, lesson: str, student: str | None = None,
                suffix: str = ".ipynb") -> Path:
    """Where nbgrader keeps a lesson's notebook (or, with ``suffix=".html"``, its feedback) at
    ``step`` (source, release, submitted, autograded, feedback): in
    ``<course>/<step>/[<student>/]<lesson>/``, named like the lesson."""
    folder = course_dir / step if student is None else course_dir / step / student
    return lesson_notebook(folder, lesson).with_suffix(suffix)


def stage_source(course_dir: Path, lessons: list[str], root: Path = PROJECT_ROOT) -> None:
    """Copy the lessons' solution notebooks into ``course_dir/source``."""
    for lesson in lessons:
        target = course_file(course_dir, "source", lesson)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source_notebook(lesson, root), target)


def alembic_head() -> str:
    """The newest revision of nbgrader's gradebook schema: the one revision among its migration
    scripts that no other revision follows. nbgrader stamps every new gradebook with it, and asks
    the ``alembic heads`` command for it, a second or two of start-up per gradebook; reading the
    scripts gives the same answer at once.

    >>> len(alembic_head())
    12
    """
    import nbgrader

    revisions, parents = set(), set()
    for script in (Path(nbgrader.__file__).parent / "alembic" / "versions").glob("*.py"):
        text = script.read_text()
        revisions.update(re.findall(r"^revision\s*=\s*['\"](\w+)['\"]", text, re.M))
        parents.update(re.findall(r"^down_revision\s*=\s*['\"](\w+)['\"]", text, re.M))
    [head] = revisions - parents
    return head


def use_this_environment() -> None:
    """Put this interpreter's ``bin/`` first on PATH: nbgrader runs kernels by name, and they
    must come from the course's environment even when it is not activated. nbgrader learns its
    schema revision from ``alembic_head`` instead of running the ``alembic`` command."""
    import nbgrader.api

    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    nbgrader.api.get_alembic_version = alembic_head


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
