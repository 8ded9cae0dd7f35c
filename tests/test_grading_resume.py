"""`workshop grade` survives interruption: stopped with Ctrl-C (SIGINT) or killed outright
(SIGKILL) part-way, it leaves no grades table or a complete one, never half of one, and no
grading process behind; the same command run again grades only what is left and ends with the
table one uninterrupted run writes. A rerun with nothing left takes seconds, a changed
submission is graded again, `--regrade` grades everything again, and a second run on the same
output folder while one is running refuses."""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from workshop_tools.grading.grades_csv import COLUMNS
from workshop_tools.grading.resume import state_path
from workshop_utils.paths import feedback_page, source_notebook, submitted_notebook

LESSON = "01_monotonic_xgboost"
WORKSHOP = str(Path(sys.executable).parent / "workshop")
UNINTERRUPTED = [  # what one uninterrupted run writes for the class below (scores are deterministic)
    ["ann", LESSON, "11", "11", "yes"],
    ["bob", LESSON, "9", "11", "yes"],  # every constraint the wrong way: ex1's 2 points lost
    ["cat", LESSON, "11", "11", "yes"],
    ["dan", LESSON, "0", "11", "yes"],  # no notebook
]


def sign_flipped() -> nbformat.NotebookNode:
    notebook = nbformat.read(source_notebook(LESSON), 4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex1_constraints")
    cell.source = cell.source.replace("int(np.sign(r))", "-int(np.sign(r))")
    return notebook


def make_class(root: Path) -> Path:
    classroom = root / "class"
    for student in ("ann", "bob", "cat", "dan"):
        submitted_notebook(classroom, student, LESSON).parent.mkdir(parents=True)
    for student in ("ann", "cat"):
        shutil.copy(source_notebook(LESSON), submitted_notebook(classroom, student, LESSON))
    nbformat.write(sign_flipped(), submitted_notebook(classroom, "bob", LESSON))
    return classroom


def table(out: Path) -> list[list[str]] | None:
    """The grades table's rows, None when absent; fails when it is there but not complete."""
    try:
        text = (out / "grades.csv").read_text()
    except FileNotFoundError:
        return None
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == list(COLUMNS) and len(rows) == 1 + len(UNINTERRUPTED), f"incomplete table:\n{text}"
    return rows[1:]


def finished(out: Path) -> int:
    try:
        return len(json.loads(state_path(out).read_text())["results"])
    except FileNotFoundError:
        return 0


def graders_in(folder: Path) -> list[psutil.Process]:
    """Processes grading in a scratch folder under ``folder`` (sandboxes included)."""
    return [p for p in psutil.process_iter(["cmdline"]) if any(str(folder) in arg for arg in p.info["cmdline"] or [])]


class Run:
    """`workshop grade` on the class, in the background, with scratch folders under ``tmp``."""

    def __init__(self, classroom: Path, out: Path, tmp: Path, *options: str) -> None:
        self.process = subprocess.Popen([WORKSHOP, "grade", str(classroom), "--out", str(out), "--jobs", "1", *options],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env={**os.environ, "TMPDIR": str(tmp)})
        self.out = out

    def stop_after(self, results: int, how: signal.Signals, timeout: float = 600) -> tuple[int, str]:
        """Send ``how`` once the state file holds ``results`` results, checking all the while that
        the table is absent or complete; the exit code and output."""
        deadline = time.monotonic() + timeout
        while finished(self.out) < results and self.process.poll() is None and time.monotonic() < deadline:
            table(self.out)
            time.sleep(0.2)
        assert self.process.poll() is None, "the run ended before it could be interrupted"
        self.process.send_signal(how)
        stdout, stderr = self.process.communicate(timeout=120)
        return self.process.returncode, stdout + stderr


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    classroom, out, tmp = make_class(root), root / "graded", root / "tmp"
    tmp.mkdir()
    first = Run(classroom, out, tmp)
    while finished(out) < 1 and first.process.poll() is None:
        time.sleep(0.2)
    busy = subprocess.run([WORKSHOP, "grade", str(classroom), "--out", str(out)], capture_output=True, text=True,
                          timeout=120)
    code, output = first.stop_after(1, signal.SIGINT)
    after_sigint = {"code": code, "output": output, "table": table(out), "graders": graders_in(tmp),
                    "scratch": list(tmp.iterdir()), "finished": finished(out)}
    code, output = Run(classroom, out, tmp).stop_after(after_sigint["finished"] + 1, signal.SIGKILL)
    time.sleep(1)
    after_sigkill = {"code": code, "table": table(out), "graders": graders_in(tmp), "finished": finished(out)}
    started = time.monotonic()
    last = subprocess.run([WORKSHOP, "grade", str(classroom), "--out", str(out), "--jobs", "1"],
                          capture_output=True, text=True, timeout=900, env={**os.environ, "TMPDIR": str(tmp)})
    return {"busy": busy, "sigint": after_sigint, "sigkill": after_sigkill, "last": last,
            "last_seconds": time.monotonic() - started, "classroom": classroom, "out": out, "tmp": tmp}


def test_a_second_run_on_the_same_output_refuses(interrupted):
    busy = interrupted["busy"]
    assert busy.returncode == 2
    assert f"another `workshop grade` is writing to {interrupted['out']} (pid " in busy.stderr
    assert "wait for it or choose another --out" in busy.stderr


def test_ctrl_c_stops_cleanly_and_keeps_what_was_graded(interrupted):
    stopped = interrupted["sigint"]
    assert stopped["code"] == 130 and "run the same command again" in stopped["output"]
    assert stopped["table"] is None and stopped["finished"] >= 1
    assert stopped["graders"] == [] and stopped["scratch"] == []


def test_a_kill_leaves_no_table_and_no_grader(interrupted):
    killed = interrupted["sigkill"]
    assert killed["code"] == -signal.SIGKILL and killed["table"] is None
    assert killed["graders"] == [], "sandboxes die with the grader"
    assert killed["finished"] > interrupted["sigint"]["finished"]


def test_the_rerun_finishes_with_the_uninterrupted_table(interrupted):
    last = interrupted["last"]
    assert last.returncode == 0, last.stderr[-2000:]
    assert table(interrupted["out"]) == UNINTERRUPTED
    skipped = interrupted["sigkill"]["finished"]
    assert f"skipped {skipped} of 4 submission(s) already graded" in last.stdout
    assert [line.split()[0] for line in last.stdout.splitlines() if line.startswith("[")] == \
        [f"[{n}/4]" for n in range(skipped + 1, 5)]
    for student, *_ in UNINTERRUPTED:
        assert feedback_page(interrupted["out"], student, LESSON).exists()


def test_a_rerun_with_nothing_to_grade_is_quick_and_changes_nothing(interrupted):
    """Under 10 s; on a machine loaded far beyond its cores, the rerun's own CPU time must be."""
    before = (interrupted["out"] / "grades.csv").read_text()
    started, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run([WORKSHOP, "grade", str(interrupted["classroom"]), "--out", str(interrupted["out"])],
                         capture_output=True, text=True, timeout=120)
    seconds, after = time.monotonic() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    assert run.returncode == 0 and "skipped 4 of 4" in run.stdout and "[" not in run.stdout.split("\n", 1)[1]
    overloaded = os.getloadavg()[0] > 2 * (os.cpu_count() or 1)
    assert (cpu_seconds if overloaded else seconds) < 10, f"{seconds:.1f} s, {cpu_seconds:.1f} s CPU"
    assert (interrupted["out"] / "grades.csv").read_text() == before


def test_a_changed_submission_is_graded_again(interrupted):
    submitted_notebook(interrupted["classroom"], "dan", LESSON).write_text('{"cells": [')
    run = subprocess.run([WORKSHOP, "grade", str(interrupted["classroom"]), "--out", str(interrupted["out"])],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "skipped 3 of 4" in run.stdout
    assert [line.split()[:2] for line in run.stdout.splitlines() if line.startswith("[")] == [["[4/4]", f"dan/{LESSON}"]]
    assert "not valid Jupyter JSON" in feedback_page(interrupted["out"], "dan", LESSON).read_text()
    assert table(interrupted["out"]) == UNINTERRUPTED


def test_regrade_grades_everything_again(tmp_path):
    """A class of notebook-less students (graded without nbgrader, fast)."""
    for student in ("ann", "bob"):
        submitted_notebook(tmp_path / "class", student, LESSON).parent.mkdir(parents=True)
    command = [WORKSHOP, "grade", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--no-sandbox"]
    runs = [subprocess.run(command + extra, capture_output=True, text=True, timeout=300) for extra in ([], [], ["--regrade"])]
    counts = [sum(line.startswith("[") for line in run.stdout.splitlines()) for run in runs]
    assert counts == [2, 0, 2] and "skipped 2 of 2" in runs[1].stdout
