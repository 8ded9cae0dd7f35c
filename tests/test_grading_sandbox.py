"""`workshop grade` contains each submission: hostile students beside honest ones try to write
outside their sandbox (the course checkout, a peer's submission, the grading output), read a
peer's notebook and the output into their own feedback, reach a listener on the host's
127.0.0.1, leave a process running and write a file bigger than the cap. Every attempt fails
quietly (the attacks are wrapped so the notebooks still run), every student keeps full marks,
and afterwards every submission is byte-identical, the checkout and output are as they were, no
connection arrived, no process is left and no scratch folder remains. Without a sandbox,
`workshop grade` refuses unless told `--no-sandbox`, and then says so."""

from __future__ import annotations

import ast
import csv
import hashlib
import html
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest

from workshop_tools.grading.grade_cells import autograded_max
from workshop_tools.sandbox import runtime_paths, sandbox_problem
from workshop_utils.paths import PROJECT_ROOT, feedback_page, source_notebook, submitted_notebook

LESSON = "01_monotonic_xgboost"
FULL = autograded_max(LESSON)
WORKSHOP = str(Path(sys.executable).parent / "workshop")
RUN = uuid.uuid4().hex
COURSE_MARKER = PROJECT_ROOT / f"escaped-{RUN}"
PROCESS_MARKER = f"workshop-left-behind-{RUN}"
SECRET = f"peer-secret-{RUN}"

pytestmark = pytest.mark.skipif(sandbox_problem() is not None, reason=str(sandbox_problem()))

# Each attempt is wrapped so that, contained, it fails quietly and the exercise still passes.
ATTEMPTS = '''
import os, socket, subprocess, sys
def attempt(label, action):
    try:
        outcome = "got " + repr(action())
    except Exception as error:
        outcome = "blocked by " + type(error).__name__
    print(label.upper() + ": " + outcome)
'''

ATTACKS = {
    "vandal": '''
def overwrite(path, text="vandalised"):
    with open(path, "w") as handle:
        handle.write(text)
    return "WROTE " + path
attempt("course", lambda: overwrite({course!r}))
attempt("readme", lambda: overwrite({readme!r}))
attempt("peer notebook", lambda: overwrite({peer!r}))
attempt("peer folder", lambda: overwrite({peer_folder!r} + "/planted.py"))
attempt("grades", lambda: overwrite({out!r} + "/grades.csv", "ann,01,0,9"))
''',
    "snoop": '''
attempt("peer notebook", lambda: open({peer!r}).read())
attempt("class folder", lambda: os.listdir({classroom!r}))
attempt("output", lambda: os.listdir({out!r}))
attempt("home", lambda: os.listdir({home!r}))
attempt("listener", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=5).close() or "CONNECTED")
attempt("internet", lambda: socket.create_connection(("1.1.1.1", 53), timeout=5).close() or "CONNECTED")
''',
    "squatter": '''
attempt("linger", lambda: subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", {marker!r}],
                                           start_new_session=True, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL).pid)
def huge(path="huge.bin", chunk=b"x" * (1 << 20)):
    with open(path, "wb") as handle:
        for _ in range(600):
            handle.write(chunk)
    return "WROTE 600 MiB"
attempt("huge file", huge)
''',
}


def lesson_solution() -> nbformat.NotebookNode:
    return nbformat.read(source_notebook(LESSON), 4)


def solution_cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def hostile(attack: str, **where: object) -> nbformat.NotebookNode:
    """The solution with ``attack`` run (its failures caught) before exercise 3's answer."""
    notebook = lesson_solution()
    cell = solution_cell(notebook, "ex3_monotone")
    cell.source = ATTEMPTS + attack.format(**where) + "\n" + cell.source
    return notebook


def honest(comment: str) -> nbformat.NotebookNode:
    notebook = lesson_solution()
    cell = solution_cell(notebook, "ex1_constraints")
    cell.source = f"# {comment}\n" + cell.source
    return notebook


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def left_behind() -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["cmdline"]) if PROCESS_MARKER in (p.info["cmdline"] or [])]


class Listener:
    """A TCP listener on the host's 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.done.is_set():
            try:
                self.socket.accept()[0].close()
                self.connections += 1
            except TimeoutError:
                continue

    def close(self) -> None:
        self.done.set()
        self.thread.join()
        self.socket.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    classroom, out, scratch_parent = root / "class", root / "graded", root / "tmp"
    scratch_parent.mkdir()
    peer = submitted_notebook(classroom, "ann", LESSON)
    listener = Listener()
    where = {"course": str(COURSE_MARKER), "readme": str(PROJECT_ROOT / "README.md"), "peer": str(peer),
             "peer_folder": str(peer.parent), "out": str(out), "classroom": str(classroom),
             "port": listener.port, "marker": PROCESS_MARKER, "home": str(Path.home())}
    notebooks = {"ann": honest(SECRET), "bob": honest("honest"),
                 **{student: hostile(attack, **where) for student, attack in ATTACKS.items()}}
    for student, notebook in notebooks.items():
        submitted_notebook(classroom, student, LESSON).parent.mkdir(parents=True)
        nbformat.write(notebook, submitted_notebook(classroom, student, LESSON))
    before, course_before = snapshot(classroom), git_status()
    try:
        run = subprocess.run([WORKSHOP, "grade", str(classroom), "--out", str(out), "--jobs", "2"],
                             capture_output=True, text=True, timeout=1500,
                             env={**os.environ, "TMPDIR": str(scratch_parent)})
        time.sleep(0.5)
    finally:
        listener.close()
    stray = left_behind()
    for process in stray:
        process.kill()
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    with open(out / "grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return {"rows": rows, "out": out, "stdout": run.stdout, "unchanged": before == snapshot(classroom),
            "course_unchanged": course_before == git_status(), "connections": listener.connections,
            "stray": stray, "scratch_left": list(scratch_parent.iterdir())}


def git_status() -> str:
    return subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain"],
                          capture_output=True, text=True).stdout


@pytest.mark.parametrize("student", ["ann", "bob", *ATTACKS])
def test_everyone_keeps_full_marks_in_the_sandbox(graded, student):
    row = graded["rows"][student]
    assert (float(row["score"]), float(row["max_score"]), row["sandbox"]) == (FULL, FULL, "yes"), row


def test_every_submission_is_byte_identical(graded):
    assert graded["unchanged"]


def test_nothing_is_written_into_the_course_checkout(graded):
    assert not COURSE_MARKER.exists() and graded["course_unchanged"]


def test_the_output_holds_only_the_grading(graded):
    assert sorted(p.name for p in graded["out"].iterdir()) == [".autograded", ".grading-state.json", ".grading.lock",
                                                               "course", "feedback", "grades.csv"]
    pages = sorted(p.relative_to(graded["out"]).as_posix() for p in (graded["out"] / "feedback").rglob("*.html"))
    assert pages == sorted(f"feedback/{student}/{LESSON}.html" for student in graded["rows"])


def outcomes(out: Path, student: str) -> dict[str, str]:
    """What each attempt printed in the student's feedback page (its graded notebook)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", feedback_page(out, student, LESSON).read_text()))
    return dict(re.findall(r"^([A-Z ]+): ((?:got|blocked by) .*)$", text, flags=re.MULTILINE))


def test_a_peer_notebook_the_output_and_home_cannot_be_read(graded):
    found = outcomes(graded["out"], "snoop")
    assert {label: found[label] for label in ("PEER NOTEBOOK", "CLASS FOLDER", "OUTPUT")} == \
        dict.fromkeys(("PEER NOTEBOOK", "CLASS FOLDER", "OUTPUT"), "blocked by FileNotFoundError")
    page = feedback_page(graded["out"], "snoop", LESSON).read_text()
    assert SECRET not in page and "ann,01" not in page
    assert SECRET in feedback_page(graded["out"], "ann", LESSON).read_text(), "the honest page is complete"
    # Home is empty, but for the folders leading to the Python installation when it lives there.
    home = Path.home()
    needed = {path.relative_to(home).parts[0] for path in [*runtime_paths(os.environ), PROJECT_ROOT]
              if path.is_relative_to(home) and path != home}
    shown = found["HOME"]
    assert shown.startswith("blocked by") or set(ast.literal_eval(shown.removeprefix("got "))) <= needed, shown


def test_no_connection_reaches_the_host(graded):
    assert graded["connections"] == 0
    found = outcomes(graded["out"], "snoop")
    assert found["LISTENER"] == "blocked by ConnectionRefusedError" and found["INTERNET"].startswith("blocked by")


def test_writes_outside_fail(graded):
    assert outcomes(graded["out"], "vandal") == {
        "COURSE": "blocked by OSError", "README": "blocked by OSError", "PEER NOTEBOOK": "blocked by FileNotFoundError",
        "PEER FOLDER": "blocked by FileNotFoundError", "GRADES": "blocked by FileNotFoundError"}


def test_no_process_outlives_grading(graded):
    assert outcomes(graded["out"], "squatter")["LINGER"].startswith("got "), "the process was started"
    assert graded["stray"] == []


def test_a_huge_file_is_cut_off_and_scratch_is_removed(graded):
    assert outcomes(graded["out"], "squatter")["HUGE FILE"] == "blocked by OSError"
    assert graded["scratch_left"] == []


def test_progress_is_reported_per_student(graded):
    lines = [line for line in graded["stdout"].splitlines() if line.startswith("[")]
    assert [line.split()[0] for line in lines] == [f"[{n}/5]" for n in range(1, 6)]
    assert all("elapsed" in line for line in lines)


def missing_class(root: Path) -> Path:
    """A class of one student with no notebook (graded zero without nbgrader: fast)."""
    submitted_notebook(root / "class", "ann", LESSON).parent.mkdir(parents=True)
    return root / "class"


def test_without_bubblewrap_grading_refuses_with_cause_and_fix(tmp_path):
    run = subprocess.run([WORKSHOP, "grade", str(missing_class(tmp_path)), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "PATH": str(tmp_path)})
    assert run.returncode == 2, run.stderr
    assert "bwrap (bubblewrap) is not installed" in run.stderr and "apt-get install bubblewrap" in run.stderr
    assert "--no-sandbox" in run.stderr and not (tmp_path / "out" / "grades.csv").exists()


def test_no_sandbox_grades_and_says_so(tmp_path):
    run = subprocess.run([WORKSHOP, "grade", str(missing_class(tmp_path)), "--out", str(tmp_path / "out"),
                          "--no-sandbox"], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PATH": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert "WITHOUT the sandbox" in run.stdout
    assert (tmp_path / "out" / "grades.csv").read_text().splitlines()[1] == f"ann,{LESSON},0,{FULL:g},no"
    assert "Graded WITHOUT the sandbox" in feedback_page(tmp_path / "out", "ann", LESSON).read_text()
