"""What grading noted about each submission beyond its scores, kept in the class course as
``records/<student>/<lesson>.json``: the submission's content hash (a changed submission is told
from a re-run), when it was first recorded, and the grading notes for the feedback page.

Example:
    >>> record_path(Path("graded/course"), "ann", "01_x").as_posix()
    'graded/course/records/ann/01_x.json'
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from workshop_tools.grading.atomic_files import write_atomically


@dataclass
class SubmissionRecord:
    """One submission as grading last saw it."""

    submission_hash: str
    timestamp: str
    notes: list[str] = field(default_factory=list)


def record_path(course: Path, student: str, lesson: str) -> Path:
    """Where the record of a student's submission of a lesson is kept."""
    return Path(course) / "records" / student / f"{lesson}.json"



def read_record(course: Path, student: str, lesson: str) -> SubmissionRecord | None:
    """The record of the submission, or None when it was never recorded."""
    path = record_path(course, student, lesson)
    return SubmissionRecord(**json.loads(path.read_text())) if path.exists() else None


def write_record(course: Path, student: str, lesson: str, record: SubmissionRecord) -> None:
    """Keep the record of the submission."""
    write_atomically(record_path(course, student, lesson), json.dumps(asdict(record), indent=1))
