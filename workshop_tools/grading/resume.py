"""Carrying on an interrupted grading run: ``OUT/.grading-state.json`` keeps every finished
result with the key it was graded under (the hash of the submitted notebook, the names of the
files beside it, the hash of the lesson's source and the options that change scores). A rerun
reuses a result whose key is unchanged and whose feedback page is there, and grades the rest.
The file is rewritten whole after each result (``write_atomically``), so a run stopped at any
moment loses at most the submissions it was grading.

Example:
    >>> key = {"notebook": "missing", "lesson": "ab12"}
    >>> entries = {entry_name("ann", "01_x"): state_entry(key, GradeResult("ann", "01_x", 0.0, 9.0))}
    >>> reusable(entries, "ann", "01_x", key, feedback=Path("/")).score
    0.0
    >>> reusable(entries, "ann", "01_x", {**key, "notebook": "cd34"}, feedback=Path("/")) is None
    True
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workshop_tools.grading.atomic_files import write_atomically
from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.grading.submissions import extra_files
from workshop_utils.paths import source_notebook

STATE_NAME = ".grading-state.json"
STATE_VERSION = 1


def state_path(out: Path) -> Path:
    """Where a run keeps its finished results."""
    return Path(out) / STATE_NAME


def file_hash(path: Path) -> str:
    """The sha256 of a file's bytes, or ``"missing"`` when there is no such file.

    >>> file_hash(Path("/nonexistent"))
    'missing'
    """
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return "missing"


def submission_key(notebook: Path, lesson: str, options: dict[str, Any]) -> dict[str, Any]:
    """What a grade depends on: the submission, the files beside it (named in the feedback),
    the lesson's source (its tests) and the scoring ``options``."""
    return {"notebook": file_hash(notebook), "extra_files": extra_files(notebook),
            "lesson": file_hash(source_notebook(lesson)), **options}


def entry_name(student: str, lesson: str) -> str:
    """The state file's name for one submission."""
    return f"{student}/{lesson}"


def state_entry(key: dict[str, Any], result: GradeResult) -> dict[str, Any]:
    """One finished result as the state file keeps it."""
    return {"key": key, "result": asdict(result)}


def load_state(out: Path) -> dict[str, dict[str, Any]]:
    """The finished results of earlier runs into ``out`` (none when the file is absent,
    unreadable or from another version of the grader)."""
    try:
        state = json.loads(state_path(out).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        return {}
    return state.get("results", {})


def save_state(out: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Write the finished results, replacing the file in one step."""
    write_atomically(state_path(out), json.dumps({"version": STATE_VERSION, "results": entries}, indent=1))


def reusable(entries: dict[str, dict[str, Any]], student: str, lesson: str, key: dict[str, Any],
             feedback: Path) -> GradeResult | None:
    """The earlier result for this submission when it was graded under ``key`` and its
    ``feedback`` page still exists; else None (grade it again)."""
    entry = entries.get(entry_name(student, lesson))
    if not entry or entry.get("key") != key or not feedback.exists():
        return None
    try:
        return GradeResult(**entry["result"])
    except (TypeError, KeyError):
        return None
