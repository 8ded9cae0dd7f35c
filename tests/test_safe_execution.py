"""The resilient executor and the memory watchdog, on small notebooks (fast and load-proof)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from workshop_tools.safe_execution import MemoryWatchdog, ResilientExecute


def run(*sources: str, timeout: int = 5, watchdog: MemoryWatchdog | None = None) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=[new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    executor = ResilientExecute(timeout=timeout, kernel_name="python3")
    ResilientExecute.watchdog = watchdog
    executor.preprocess(notebook, {"metadata": {"path": "."}})
    ResilientExecute.watchdog = None
    return notebook


def text(cell) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


def errors(cell) -> list[str]:
    return [out.ename for out in cell.outputs if out.output_type == "error"]


def test_a_hanging_cell_is_stopped_and_the_rest_still_runs():
    nb = run("x = 41", "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: time.sleep(0.1)",
             "print(x + 1)")
    assert "CellTimeoutError" in errors(nb.cells[1])
    assert text(nb.cells[2]) == "42\n", "earlier state was rebuilt in a fresh kernel"


def test_a_cell_that_kills_its_kernel_costs_only_itself():
    nb = run("x = 1", "import os\nos._exit(3)", "print(x + 1)")
    assert errors(nb.cells[1]) == ["KernelDied"]
    assert text(nb.cells[2]) == "2\n"


def test_the_watchdog_stops_a_memory_bomb():
    with MemoryWatchdog(limit_bytes=600 << 20) as watchdog:
        nb = run("x = 1", "hog = b'x' * (3 * 1024 ** 3)", "print(x + 1)", timeout=60, watchdog=watchdog)
    assert watchdog.kills >= 1
    assert errors(nb.cells[1]) == ["MemoryLimitExceeded"]
    assert text(nb.cells[2]) == "2\n"


def test_a_kernel_that_keeps_dying_gives_up():
    crash = "import os\nos._exit(1)"
    try:
        run(crash, crash, crash, crash, crash)
    except Exception as error:  # nbclient's DeadKernelError after MAX_RESTARTS
        assert "restarted more than" in str(error)
    else:
        raise AssertionError("expected the executor to give up")
