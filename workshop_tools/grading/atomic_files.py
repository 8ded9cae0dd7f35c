"""Files a grading run writes whole or not at all: the text goes to a temporary file in the same
folder, is flushed to disk, then renamed over the target, so a run stopped at any moment (Ctrl-C,
``kill -9``, a power cut) leaves either the previous file or the new one, never half of one.

Example:
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "grades.csv"
    >>> write_atomically(target, "student,score\\n").read_text()
    'student,score\\n'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str) -> Path:
    """Replace ``path`` with ``text`` in one step (readers see the old file or the new one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with open(descriptor, "w", newline="", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
