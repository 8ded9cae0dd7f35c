"""Where things are in the course: the project root, the lessons, and the path of a lesson's
notebook in each place it lives (source, release, a student's submission, its feedback page).

Every lesson folder is named ``NN_slug`` and holds one notebook of the same name, so a lesson's
notebook anywhere is ``<folder>/<lesson>/<lesson>.ipynb``.

Example:
    >>> lesson_names()[:1]
    ['01_monotonic_xgboost']
    >>> source_notebook("01_monotonic_xgboost").relative_to(PROJECT_ROOT).as_posix()
    'solutions/01_monotonic_xgboost/01_monotonic_xgboost.ipynb'
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["DATA", "NOTEBOOKS", "PROJECT_ROOT", "SOLUTIONS", "feedback_page", "lesson_names",
           "lesson_notebook", "released_notebook", "source_notebook", "submitted_notebook"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The course checkout: the folder that holds ``solutions/``, ``notebooks/`` and ``data/``."""

SOLUTIONS = "solutions"
"""Folder of the lesson sources (full notebooks with solutions and hidden tests)."""

NOTEBOOKS = "notebooks"
"""Folder of the released notebooks learners open."""

DATA = "data"
"""Folder of the data set, its datasheet and checksum."""

LESSON_PATTERN = re.compile(r"^\d\d_[a-z0-9_]+$")


def lesson_notebook(folder: Path, lesson: str) -> Path:
    """``folder/<lesson>/<lesson>.ipynb``: the one way a lesson's notebook is laid out."""
    return Path(folder) / lesson / f"{lesson}.ipynb"


def source_notebook(lesson: str, root: Path = PROJECT_ROOT) -> Path:
    """The lesson's source notebook in ``solutions/``."""
    return lesson_notebook(root / SOLUTIONS, lesson)


def released_notebook(lesson: str, root: Path = PROJECT_ROOT) -> Path:
    """The lesson's student notebook in ``notebooks/``."""
    return lesson_notebook(root / NOTEBOOKS, lesson)


def submitted_notebook(submitted: Path, student: str, lesson: str) -> Path:
    """A student's submission: ``SUBMITTED/<student>/<lesson>/<lesson>.ipynb``."""
    return lesson_notebook(Path(submitted) / student, lesson)


def feedback_page(out: Path, student: str, lesson: str) -> Path:
    """A student's feedback page for a lesson: ``OUT/feedback/<student>/<lesson>.html``."""
    return Path(out) / "feedback" / student / f"{lesson}.html"


def lesson_names(root: Path = PROJECT_ROOT) -> list[str]:
    """Lesson folders in ``solutions/`` (named NN_slug, each holding NN_slug.ipynb), in order."""
    folder = root / SOLUTIONS
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and LESSON_PATTERN.match(p.name) and lesson_notebook(folder, p.name).exists())
