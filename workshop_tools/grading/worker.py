"""The grading process, one per submission: run as
``python -m workshop_tools.grading.worker STUDENT LESSON NOTEBOOK CELL_TIMEOUT MEMORY_LIMIT WORK [--no-feedback]``
(inside the submission's sandbox, see ``contained``), it grades the notebook in a throw-away
nbgrader course inside the scratch folder ``WORK`` and prints the ``GradeResult`` as its last
line of JSON, with ``feedback_html`` the page nbgrader wrote in ``WORK`` (the pool adds the notes
and copies it out). Both ends of that exchange live here: ``worker_command`` builds the command
line that ``main`` reads, and ``result_line`` writes the line that ``read_result`` parses.

Example:
    >>> worker_command("ann", "01_x", Path("n.ipynb"), 120, "4G", Path("scratch"))[1:4]
    ['-m', 'workshop_tools.grading.worker', 'ann']
    >>> read_result(result_line(GradeResult("ann", "01_x", 9.0, 9.0))) == GradeResult("ann", "01_x", 9.0, 9.0)
    True
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from workshop_tools.grading.autograde import grade_submission
from workshop_tools.grading.grade_result import GradeResult

COURSE_FOLDER = "course"
"""The throw-away nbgrader course's folder inside the scratch folder."""


NO_FEEDBACK = "--no-feedback"
"""The last argument when no feedback page is wanted (``workshop check`` prints its report instead)."""


def worker_command(student: str, lesson: str, notebook: Path, cell_timeout: int, memory_limit: str,
                   work: Path, feedback: bool = True) -> list[str]:
    """The command line that grades one submission in a process of its own (this module)."""
    return [sys.executable, "-m", __name__, student, lesson, str(notebook), str(cell_timeout), memory_limit, str(work),
            *([] if feedback else [NO_FEEDBACK])]


def result_line(result: GradeResult) -> str:
    """The result as the one line of JSON the grading process prints last."""
    return json.dumps(asdict(result))


def read_result(stdout: str) -> GradeResult | None:
    """The result from a grading process's output (its last line), or None when it printed none.

    >>> read_result("Traceback...\\nKeyError: 'x'") is None
    True
    """
    lines = stdout.strip().splitlines()
    try:
        return GradeResult(**json.loads(lines[-1])) if lines else None
    except (ValueError, TypeError):
        return None


def main(argv: list[str]) -> None:
    """Grade one submission in a course inside the scratch folder, print the result."""
    student, lesson, notebook, cell_timeout, memory_limit, work, *rest = argv
    print(result_line(grade_submission(student, lesson, Path(notebook), Path(work) / COURSE_FOLDER,
                                       int(cell_timeout), memory_limit, feedback=rest != [NO_FEEDBACK])))


if __name__ == "__main__":
    main(sys.argv[1:])
