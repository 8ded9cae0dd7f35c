"""The grading sandbox, tried for real with bwrap: what a command inside can reach, write, see
and leave behind, and that the course's Python, XGBoost and H2O (Java) still run inside."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import psutil
import pytest

from workshop_tools.sandbox import DEFAULT_MAX_FILE_BYTES, passed_env, sandbox_problem, sandboxed
from workshop_utils.paths import PROJECT_ROOT

# Run inside: try each "op:path" in argv, print {"op:path": "ok" or the errno's name}.
ATTEMPTS = """
import errno, json, os, sys
def attempt(op, path):
    if op == "write":
        with open(path, "w") as handle:
            handle.write("x")
    elif op == "read":
        open(path).read()
    else:
        os.listdir(path)
found = {}
for item in sys.argv[1:]:
    try:
        attempt(*item.split(":", 1))
        found[item] = "ok"
    except OSError as error:
        found[item] = errno.errorcode[error.errno]
print(json.dumps(found))
"""

ENV = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT)}


@pytest.fixture
def bwrap() -> None:
    """Skip when this machine cannot make a sandbox (the reason says how to fix that)."""
    problem = sandbox_problem()
    if problem is not None:
        pytest.skip(problem)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder


def inside(command: list[str], scratch: Path, readable: Sequence[Path] = (), hidden: Sequence[Path] = (),
           max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``command`` sandboxed with the course checkout readable; output as text."""
    line = sandboxed(command, scratch=scratch, readable=[PROJECT_ROOT, *readable], hidden=hidden,
                     max_file_bytes=max_file_bytes, env=ENV)
    return subprocess.run(line, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def attempts(scratch: Path, *items: str, **options) -> dict[str, str]:
    """What each ``op:path`` attempt gave inside the sandbox."""
    done = inside([sys.executable, "-c", ATTEMPTS, *items], scratch, **options)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_course_other_students_and_output_are_out_of_reach(bwrap, tmp_path, scratch):
    peer, out = tmp_path / "peer", tmp_path / "graded"
    peer.mkdir()
    out.mkdir()
    (peer / "answer.ipynb").write_text("{}")
    course_file = PROJECT_ROOT / f"sandbox-{uuid.uuid4().hex}"
    found = attempts(scratch, f"write:{course_file}", f"write:{PROJECT_ROOT / 'README.md'}", f"write:{peer / 'new'}",
                     f"read:{peer / 'answer.ipynb'}", f"list:{out}", f"write:{scratch / 'mine'}")
    assert found == {f"write:{course_file}": "EROFS", f"write:{PROJECT_ROOT / 'README.md'}": "EROFS",
                     f"write:{peer / 'new'}": "ENOENT", f"read:{peer / 'answer.ipynb'}": "ENOENT",
                     f"list:{out}": "ENOENT", f"write:{scratch / 'mine'}": "ok"}
    assert not course_file.exists() and not (peer / "new").exists()
    assert (scratch / "mine").read_text() == "x"


def test_hidden_folders_inside_a_readable_folder_are_empty(bwrap, tmp_path, scratch):
    course = tmp_path / "course"
    for student in ("alice", "bob"):
        (course / "submitted" / student).mkdir(parents=True)
        (course / "submitted" / student / "lesson.ipynb").write_text("{}")
    (course / "graded").mkdir()
    (course / "graded" / "grades.csv").write_text("bob,9")
    found = attempts(scratch, f"read:{course / 'submitted/alice/lesson.ipynb'}", f"read:{course / 'submitted/bob/lesson.ipynb'}",
                     f"read:{course / 'graded/grades.csv'}", f"list:{course / 'submitted'}",
                     readable=[course, course / "submitted" / "alice"], hidden=[course / "submitted", course / "graded"])
    assert found == {f"read:{course / 'submitted/alice/lesson.ipynb'}": "ok", f"read:{course / 'submitted/bob/lesson.ipynb'}": "ENOENT",
                     f"read:{course / 'graded/grades.csv'}": "ENOENT", f"list:{course / 'submitted'}": "ok"}


CONNECT = """
import socket, sys
def connect(host, port):
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
        return "connected"
    except OSError as error:
        return type(error).__name__
print(connect("127.0.0.1", sys.argv[1]), connect("1.1.1.1", 53), connect("example.com", 80))
"""


def test_no_network_not_even_the_hosts_loopback(bwrap, scratch):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        done = inside([sys.executable, "-c", CONNECT, str(listener.getsockname()[1])], scratch)
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ConnectionRefusedError", "OSError", "gaierror"]


WRITE = """
import sys
from pathlib import Path
size = int(sys.argv[2])
try:
    Path(sys.argv[1]).write_bytes(b"x" * size)
    print("ok")
except OSError as error:
    print(error.strerror)
"""


def test_files_larger_than_the_cap_cannot_be_written(bwrap, scratch):
    cap = 1 << 20
    small = inside([sys.executable, "-c", WRITE, str(scratch / "small"), str(cap // 2)], scratch, max_file_bytes=cap)
    big = inside([sys.executable, "-c", WRITE, str(scratch / "big"), str(2 * cap)], scratch, max_file_bytes=cap)
    assert small.stdout.strip() == "ok" and (scratch / "small").stat().st_size == cap // 2
    assert big.stdout.strip() == "File too large" and (scratch / "big").stat().st_size <= cap


def _markers(marker: str) -> list[psutil.Process]:
    """Processes whose command line holds ``marker``."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if marker in (process.info["cmdline"] or []):
            found.append(process)
    return found


def _gone(marker: str, within: float = 5.0) -> bool:
    """True once no process holds ``marker`` (waiting up to ``within`` seconds)."""
    deadline = time.monotonic() + within
    while _markers(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _markers(marker)


@pytest.mark.parametrize("ending", ["command returns", "grader kills bwrap"])
def test_background_processes_end_with_the_sandbox(bwrap, scratch, ending):
    marker = f"workshop-sandbox-{uuid.uuid4().hex}"
    linger = 3 if ending == "command returns" else 300  # long enough to see it start
    script = (f"setsid nohup {sys.executable} -c 'import time; time.sleep(300)' {marker} >/dev/null 2>&1 </dev/null & "
              f"echo started; sleep {linger}")
    line = sandboxed(["sh", "-c", script], scratch=scratch, readable=[], max_file_bytes=DEFAULT_MAX_FILE_BYTES, env=ENV)
    with subprocess.Popen(line, stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL) as job:
        assert job.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 10
        while not _markers(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _markers(marker), "the background process did not start"
        if ending == "grader kills bwrap":
            job.send_signal(signal.SIGKILL)
        job.wait(timeout=30)
    assert _gone(marker), f"left running after the sandbox ended ({ending})"


def test_tmp_is_private(bwrap, scratch):
    name = f"workshop-sandbox-{uuid.uuid4().hex}"
    host_file = Path("/tmp") / f"{name}-host"
    host_file.write_text("host")
    try:
        found = attempts(scratch, f"write:/tmp/{name}", f"read:{host_file}")
    finally:
        host_file.unlink()
    assert found == {f"write:/tmp/{name}": "ok", f"read:{host_file}": "ENOENT"}
    assert not (Path("/tmp") / name).exists()


def test_the_course_environment_runs_inside(bwrap, scratch):
    done = inside([sys.executable, "-c", "import numpy, xgboost, workshop_utils; print(workshop_utils.__file__)"], scratch)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(PROJECT_ROOT)


H2O = """
import h2o
from workshop_utils.h2o_session import start_h2o, stop_h2o
start_h2o(max_mem="1G", verbose=False)
print(h2o.H2OFrame({"x": [1, 2, 3]}).sum(return_frame=False))
stop_h2o()
"""


@pytest.mark.timeout(300)
def test_h2o_and_java_run_inside(bwrap, scratch):
    done = inside([sys.executable, "-c", H2O], scratch, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "6.0"


def test_without_bwrap_the_problem_names_it_and_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    sandbox_problem.cache_clear()
    try:
        problem = sandbox_problem()
    finally:
        sandbox_problem.cache_clear()
    assert problem is not None and "bwrap" in problem and "apt-get install bubblewrap" in problem


def test_scratch_is_writable_by_the_user_inside(bwrap, scratch):
    done = inside(["sh", "-c", "id -u; touch made"], scratch)
    assert done.returncode == 0, done.stderr
    assert (scratch / "made").exists()
    assert os.geteuid() != 0 or done.stdout.strip() == "65534", "root's sandbox must run as nobody"


@pytest.mark.parametrize("message", ["bwrap: No permissions to creating new namespace, likely because the kernel "
                                     "does not allow non-privileged user namespaces.",
                                     "bwrap: setting up uid map: Permission denied"])
def test_disabled_user_namespaces_are_explained_with_the_sysctl(monkeypatch, message):
    from workshop_tools import sandbox

    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "kernel.unprivileged_userns_clone=1" in sandbox._explain(message)


def test_only_the_passed_variables_reach_inside(bwrap, scratch):
    line = sandboxed(["sh", "-c", "env"], scratch=scratch, readable=[], max_file_bytes=DEFAULT_MAX_FILE_BYTES,
                     env=passed_env({**os.environ, "WORKSHOP_SECRET_TOKEN": "hunter2"}))
    names = {entry.split("=", 1)[0] for entry in subprocess.run(line, capture_output=True, text=True).stdout.splitlines()}
    assert "WORKSHOP_SECRET_TOKEN" not in names and {"PATH", "HOME", "TMPDIR"} <= names
