"""The grading process, one per submission: run as
``python -m workshop_tools.grading.worker STUDENT LESSON NOTEBOOK CELL_TIMEOUT MEMORY_LIMIT OUT``,
it grades the notebook in a scratch folder, writes the feedback page into ``OUT`` and prints the
``GradeResult`` as its last line of JSON. Both ends of that exchange live here:
``worker_command`` builds the command line that ``main`` reads, and ``result_line`` writes the
line that ``read_result`` parses.

Example:
    >>> worker_command("ann", "01_x", Path("n.ipynb"), 120, "4G", Path("out"))[1:4]
    ['-m', 'workshop_tools.grading.worker', 'ann']
    >>> read_result(result_line(GradeResult("ann", "01_x", 9.0, 9.0)))
    GradeResult(student='ann', assignment='01_x', score=9.0, max_score=9.0, notes=[], feedback_html=None)
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from workshop_tools.grading.autograde import grade_submission
from workshop_tools.grading.feedback_page import write_feedback
from workshop_tools.grading.grade_result import GradeResult


def worker_command(student: str, lesson: str, notebook: Path, cell_timeout: int, memory_limit: str,
                   out: Path) -> list[str]:
    """The command line that grades one submission in a process of its own (this module)."""
    return [sys.executable, "-m", __name__, student, lesson, str(notebook), str(cell_timeout), memory_limit, str(out)]


def result_line(result: GradeResult) -> str:
    """The result as the one line of JSON the grading process prints last."""
    return json.dumps(asdict(result))


def read_result(stdout: str) -> GradeResult | None:
    """The result from a grading process's output (its last line), or None when it printed nothing."""
    lines = stdout.strip().splitlines()
    return GradeResult(**json.loads(lines[-1])) if lines else None


def main(argv: list[str]) -> None:
    """Grade one submission in a scratch folder, write its feedback page, print the result."""
    student, lesson, notebook, cell_timeout, memory_limit, out = argv
    with tempfile.TemporaryDirectory(prefix="workshop-grade-") as scratch:
        result = grade_submission(student, lesson, Path(notebook), Path(scratch), int(cell_timeout), memory_limit)
        result.feedback_html = str(write_feedback(result, Path(out)))  # before scratch goes
    print(result_line(result))


if __name__ == "__main__":
    main(sys.argv[1:])
