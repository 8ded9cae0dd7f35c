"""One ``workshop grade`` at a time per output folder: a run holds an exclusive lock on
``OUT/.grading.lock`` (with the run's process id written in it) until it ends, and a second run
on the same folder refuses at once instead of mixing its results into the first one's. The
operating system releases the lock when the process ends, however it ends.

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with run_lock(out):
    ...     with run_lock(out):  # doctest: +ELLIPSIS
    ...         pass
    Traceback (most recent call last):
    workshop_tools.grading.run_lock.OutputBusy: another `workshop grade` is writing to ... (pid ...); wait for it or choose another --out
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".grading.lock"


class OutputBusy(RuntimeError):
    """Another grading run holds the output folder."""


@contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """Hold the output folder's lock for the ``with`` block, or raise ``OutputBusy``."""
    path = Path(out) / LOCK_NAME
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise OutputBusy(f"another `workshop grade` is writing to {out} (pid {holder}); "
                             "wait for it or choose another --out") from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
