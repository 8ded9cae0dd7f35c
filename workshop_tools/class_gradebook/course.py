"""The class course folder ``OUT/course/``: an nbgrader course (``source/``, ``release/``,
``submitted/``, ``autograded/``, ``feedback/``, ``gradebook.db``) with an ``nbgrader_config.py``,
so nbgrader's formgrader started there finds the gradebook and the notebooks.

Example:
    >>> class_course(Path("/tmp/graded")).as_posix()
    '/tmp/graded/course'
"""

from __future__ import annotations

import filecmp
from pathlib import Path

from workshop_tools.nbgrader_course import course_file, generate_assignments, stage_source
from workshop_utils.paths import PROJECT_ROOT, source_notebook

COURSE_FOLDER = "course"
"""The class course's folder inside the output folder of ``workshop grade``."""

CONFIG_TEXT = '''"""nbgrader settings of this class's course folder (written by `workshop grade`): the course's
own settings, with this folder as the course root and its gradebook.db."""

from pathlib import Path

from workshop_tools.nbgrader_course import nbgrader_config

c = get_config()  # noqa: F821 (provided by nbgrader)
c.merge(nbgrader_config(Path(__file__).resolve().parent))
'''


def class_course(out: Path) -> Path:
    """The class course folder inside ``out`` (an absolute path: nbgrader changes folders)."""
    return Path(out).absolute() / COURSE_FOLDER


def is_staged(course: Path, lesson: str, root: Path = PROJECT_ROOT) -> bool:
    """True when the course holds the lesson's current source and its generated release."""
    staged = course_file(course, "source", lesson)
    return (staged.exists() and course_file(course, "release", lesson).exists()
            and filecmp.cmp(staged, source_notebook(lesson, root), shallow=False))


def prepare_class_course(out: Path, lessons: list[str], root: Path = PROJECT_ROOT) -> Path:
    """Create or refresh the class course in ``out``: its nbgrader settings, and each lesson staged
    and generated into its gradebook (every grade cell known, rubric included). Lessons already
    there and unchanged are left alone, so this is quick on a re-run. Returns the course folder."""
    course = class_course(out)
    course.mkdir(parents=True, exist_ok=True)
    config = course / "nbgrader_config.py"
    if not config.exists() or config.read_text() != CONFIG_TEXT:
        config.write_text(CONFIG_TEXT)
    stale = [lesson for lesson in lessons if not is_staged(course, lesson, root)]
    if stale:
        stage_source(course, stale, root)
        generate_assignments(course, stale)
    return course
