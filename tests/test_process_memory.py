"""Memory sampling: the peak of a process tree sees a child's allocation, ended processes are
skipped, and the grader's watchdog stops a child that passes its limit."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from workshop_tools.process_memory import PeakMemory, tree_rss, with_children
from workshop_tools.safe_execution import MemoryWatchdog

HOLD_300_MB = "b = bytearray(300 << 20); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(30)"


def test_peak_memory_counts_a_childs_allocation() -> None:
    with PeakMemory(interval=0.02) as memory:
        child = subprocess.Popen([sys.executable, "-c", HOLD_300_MB])
        memory.pid = psutil.Process().pid
        try:
            deadline = time.monotonic() + 20
            while memory.peak < 300 << 20 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            child.kill()
            child.wait()
    assert memory.peak >= 300 << 20


def test_tree_rss_skips_ended_processes() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    ended = psutil.Process(child.pid)
    child.wait()
    me = psutil.Process()
    assert tree_rss([me, ended]) == tree_rss([me])
    assert with_children(child.pid) == []


def test_watchdog_kills_a_child_over_its_limit() -> None:
    with MemoryWatchdog(limit_bytes=200 << 20, interval=0.02) as watchdog:
        child = subprocess.Popen([sys.executable, "-c", HOLD_300_MB])
        returncode = child.wait(timeout=25)
    assert watchdog.kills >= 1
    assert returncode != 0
