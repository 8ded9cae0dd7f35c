"""The submissions to grade: every (student, lesson) in a class folder, one submitted notebook
read without trusting it, and the other files a student left beside it.

Example:
    >>> read_submission(Path("/nowhere/01_x/01_x.ipynb"))
    (None, 'no notebook found at 01_x.ipynb (expected <student>/<lesson>/<lesson>.ipynb)')
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from workshop_utils.paths import lesson_names, submitted_notebook

EXPECTED_LAYOUT = "<student>/<lesson>/<lesson>.ipynb"


def find_submissions(submitted: Path, lessons: list[str] | None = None) -> list[tuple[str, str, Path]]:
    """Every (student, lesson, notebook path) to grade: each student folder, and each lesson that
    any student submitted (or the ``lessons`` asked for); missing notebooks are kept, to be
    graded zero with the reason."""
    if not submitted.is_dir():
        raise FileNotFoundError(f"{submitted} is not a folder. Fix: pass the folder holding one "
                                f"sub-folder per student ({EXPECTED_LAYOUT}).")
    known = lesson_names()
    students = sorted(p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith("."))
    if lessons is None:
        lessons = [lesson for lesson in known
                   if any(submitted_notebook(submitted, s, lesson).parent.exists() for s in students)]
    unknown = [lesson for lesson in lessons if lesson not in known]
    if unknown:
        raise ValueError(f"unknown lesson(s) {unknown}; the lessons are {known}")
    return [(s, lesson, submitted_notebook(submitted, s, lesson)) for s in students for lesson in lessons]


def read_submission(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """The submitted notebook, or None with the reason it cannot be graded."""
    if not path.exists():
        return None, f"no notebook found at {path.name} (expected {EXPECTED_LAYOUT})"
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # any parse or schema failure means the same thing to the student
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return None, f"the notebook is not valid Jupyter JSON, so nothing could run ({first_line[:200]})"
    return notebook, None


def extra_files(notebook_path: Path) -> list[str]:
    """The names of the files a student left beside the notebook, sorted (grading ignores them)."""
    folder = notebook_path.parent
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p != notebook_path and not p.name.startswith("."))


def extra_files_note(notebook_path: Path) -> list[str]:
    """A note naming files beside the notebook, which grading ignores (none when there are none)."""
    extra = extra_files(notebook_path)
    return [f"ignored the other files in your lesson folder: {', '.join(extra[:10])}"] if extra else []
