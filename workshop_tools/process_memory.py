"""Resident memory of process trees, sampled on a background thread.

``Sampler`` calls ``sample()`` every ``interval`` seconds while it is used as a context manager;
``PeakMemory`` (the benchmarks and budget tests) keeps the highest total of one process tree,
and the grader's ``MemoryWatchdog`` (in ``safe_execution``) stops a tree that grows too large.

Example:
    >>> import os
    >>> with PeakMemory(os.getpid()) as memory:
    ...     pass
    >>> memory.peak > 0
    True
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import psutil


def tree_rss(processes: Iterable[psutil.Process]) -> int:
    """Summed resident memory of ``processes`` in bytes, skipping any that have ended."""
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def with_children(pid: int) -> list[psutil.Process]:
    """The process ``pid`` and all its descendants (empty when it has ended)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


class Sampler:
    """Runs ``sample()`` every ``interval`` seconds on a daemon thread, from ``with`` to its end."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        """One measurement; subclasses say what it is."""
        raise NotImplementedError

    def _run(self) -> None:
        self.sample()
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


class PeakMemory(Sampler):
    """The peak summed resident memory of process ``pid`` and its descendants (set ``pid`` later
    if the process does not exist yet)."""

    def __init__(self, pid: int | None = None, interval: float = 0.05) -> None:
        super().__init__(interval)
        self.pid, self.peak = pid, 0

    def sample(self) -> None:
        """Update the peak from the tree as it is now."""
        if self.pid is not None:
            self.peak = max(self.peak, tree_rss(with_children(self.pid)))
