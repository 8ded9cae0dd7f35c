"""Running a submitted notebook so that nothing in it can stop the grading of the rest.

Two guards, used by ``workshop grade``:

* ``MemoryWatchdog`` sums the resident memory of every process this one started (the kernel
  and, for H2O lessons, its Java) and kills them all when the total passes the cap.
* ``ResilientExecute``, nbgrader's executor with one change: when a cell kills its kernel (a
  crash, ``os._exit``, the watchdog) or runs past the per-cell time limit, the cell is marked
  with the reason, a fresh kernel is started, the cells before it are run again (skipping any
  that crashed or hung), and grading goes on from the next cell. So a crash costs the points that
  depend on the crashing cell, not the whole notebook.

Example:
    >>> with MemoryWatchdog(limit_bytes=4 << 30) as watchdog:  # doctest: +SKIP
    ...     pass  # run a notebook here
"""

from __future__ import annotations

import contextlib

import psutil
from jupyter_client.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer

from workshop_tools.process_memory import Sampler, tree_rss

MAX_RESTARTS = 3

KERNEL_DIED = "KernelDied"
MEMORY_LIMIT_EXCEEDED = "MemoryLimitExceeded"
CELL_TIMED_OUT = CellTimeoutError.__name__
RESTART_ERRORS = frozenset({KERNEL_DIED, MEMORY_LIMIT_EXCEEDED, CELL_TIMED_OUT})
"""Names of the errors a cell is marked with when the kernel was restarted after it."""


class MemoryWatchdog(Sampler):
    """Kills this process's children when their summed resident memory passes ``limit_bytes``."""

    def __init__(self, limit_bytes: int, interval: float = 0.1) -> None:
        super().__init__(interval)
        self.limit_bytes, self.kills = limit_bytes, 0

    def sample(self) -> None:
        """Kill every child if together they hold more than the limit."""
        children = psutil.Process().children(recursive=True)
        if tree_rss(children) > self.limit_bytes:
            for child in children:
                with contextlib.suppress(psutil.Error):
                    child.kill()
            self.kills += 1


def failure_output(name: str, message: str) -> NotebookNode:
    """An error output for a cell, as the student will see it in the feedback."""
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


class ResilientExecute(Execute):
    """nbgrader's ``Execute`` that survives a dead or stuck kernel (see the module docstring)."""

    max_restarts = Integer(MAX_RESTARTS, help="kernel restarts allowed per notebook").tag(config=True)
    watchdog: MemoryWatchdog | None = None

    def preprocess(self, nb: NotebookNode, resources: dict | None = None, km: object = None):
        """Execute the notebook; remember which cells broke the kernel."""
        self.broken: set[int] = set()
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        """Run one cell; on a dead kernel or a timeout, restart and replay, then go on."""
        kills_before = self.watchdog.kills if self.watchdog else 0
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            over_memory = self.watchdog is not None and self.watchdog.kills > kills_before
            reason = ("the kernel went over the grading memory limit and was stopped" if over_memory
                      else "the kernel died while running this cell (it crashed or exited)")
            cell.outputs.append(failure_output(MEMORY_LIMIT_EXCEEDED if over_memory else KERNEL_DIED, reason))
            self.recover(index)
            return cell, self.resources
        except CellTimeoutError:  # it ignored the interrupt, so the kernel is still busy
            cell.outputs.append(failure_output(
                CELL_TIMED_OUT, "ran past the per-cell time limit and did not stop when interrupted"))
            self.recover(index)
            return cell, self.resources
        if any(out.get("ename") == CELL_TIMED_OUT for out in cell.get("outputs", [])):
            self.recover(index)  # a cell that ignores the interrupt would block every later cell
        return cell, resources

    def recover(self, index: int) -> None:
        """Start a fresh kernel and re-run the code cells before ``index`` that did not break
        it; a cell that kills the kernel again is skipped from then on."""
        self.broken.add(index)
        while True:
            if len(self.broken) > self.max_restarts:
                raise DeadKernelError(f"the kernel had to be restarted more than {self.max_restarts} times")
            run_sync(self.km.restart_kernel)(now=True)
            self.kc.stop_channels()
            self.start_new_kernel_client()
            earlier = self.replay(index)
            if earlier is None:
                return
            self.broken.add(earlier)

    def replay(self, index: int) -> int | None:
        """Re-run the unbroken code cells before ``index``, keeping their first outputs for the
        feedback; the index of a cell that kills the kernel, or None."""
        for earlier, cell in enumerate(self.nb.cells[:index]):
            if cell.cell_type != "code" or earlier in self.broken:
                continue
            saved = list(cell.outputs)
            try:
                self.execute_cell(cell, earlier, store_history=True)
            except DeadKernelError:
                return earlier
            finally:
                cell.outputs = saved
        return None
