"""A pytest plugin that measures each solution notebook nbval executes, so the budget test can use
that run instead of executing the lesson again.

For every ``solutions/<lesson>/<lesson>.ipynb`` whose code cells nbval runs in this session it
records the wall time from the kernel's start to the end of the last cell, and the peak resident
memory of the kernel's process tree (H2O's Java included), sampled on a background thread.
A notebook counts only when every one of its code cells ran (not when ``-k`` picked some).

Tests read the measurements through the ``lesson_runs`` fixture (see conftest.py); the plugin
runs those tests after every notebook, whatever order they were collected in.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from dataclasses import dataclass

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from workshop_tools.process_memory import PeakMemory
from workshop_utils.paths import source_notebook

FIXTURE = "lesson_runs"
"""The fixture through which tests read the measurements (they run after every notebook)."""


@dataclass
class Watch:
    """One notebook being executed: when its kernel started, its memory, the cells run so far."""

    lesson: str
    started: float
    memory: PeakMemory
    cells: int
    ran: int = 0
    finished: float = 0.0


def lesson_of(item: pytest.Item) -> str | None:
    """The lesson whose solution notebook holds this nbval cell, or None for any other test.

    >>> lesson_of(object()) is None
    True
    """
    if not isinstance(item, IPyNbCell):
        return None
    lesson = item.parent.path.stem
    return lesson if item.parent.path.resolve() == source_notebook(lesson) else None


class LessonRuns:
    """The plugin: ``measured[lesson]`` is (seconds, peak GB) of nbval's run of that lesson."""

    def __init__(self) -> None:
        self.measured: dict[str, tuple[float, float]] = {}
        self._watching: dict[IPyNbFile, Watch] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Tests that read the measurements go last, after every notebook (stable otherwise)."""
        items.sort(key=lambda item: FIXTURE in getattr(item, "fixturenames", ()))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, None, None]:
        """Before a notebook's first cell: note the time, let nbval start the kernel, watch it."""
        lesson, notebook = lesson_of(item), item.parent
        if lesson is None or notebook in self._watching:
            return (yield)
        started = time.perf_counter()
        result = yield  # nbval started the kernel (or raised, and nothing is watched)
        memory = PeakMemory(notebook.kernel.km.provisioner.process.pid)
        memory.__enter__()  # sampling until the notebook's last cell has run
        cells = sum(cell.cell_type == "code" for cell in notebook.nb.cells)
        self._watching[notebook] = Watch(lesson, started, memory, cells)
        return result

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        """Count each cell of a watched notebook and note when it ended (passed or not)."""
        watch = self._watching.get(item.parent)
        try:
            return (yield)
        finally:
            if watch is not None:
                watch.ran += 1
                watch.finished = time.perf_counter()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
        """After a watched notebook's last cell (before nbval stops the kernel): keep the result."""
        watch = self._watching.get(item.parent)
        if watch is not None and (nextitem is None or nextitem.parent is not item.parent):
            del self._watching[item.parent]
            watch.memory.__exit__(None, None, None)
            if watch.ran == watch.cells:
                self.measured[watch.lesson] = (watch.finished - watch.started, watch.memory.peak / 1e9)
        return (yield)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """A line per lesson nbval ran in full: its run time and peak memory (kernel and Java)."""
        if self.measured:
            terminalreporter.section("lesson runs measured during nbval")
            for lesson, (seconds, peak_gb) in sorted(self.measured.items()):
                terminalreporter.write_line(f"{lesson}: {seconds:.1f} s, peak {peak_gb:.2f} GB")
