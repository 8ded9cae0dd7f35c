"""The H2O session helper against real JVMs: private port, memory cap, isolation, clean shutdown.

Every JVM a test sees is recorded; the module fixture fails if any of them outlives the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import h2o
import psutil
import pytest
from h2o.job import H2OJob

from workshop_utils import h2o_session
from workshop_utils.h2o_session import JavaNotFoundError, java_version, start_h2o, stop_h2o

REPO = Path(__file__).resolve().parents[1]
_SEEN_JVMS: list[psutil.Process] = []

# A stand-in for a notebook kernel: starts H2O, then obeys "work" / "exit" lines on stdin.
# Replies are JSON on lines starting with "@@" so stray library output cannot confuse the test.
WORKER = textwrap.dedent("""
    import json, sys
    import h2o
    from workshop_utils.h2o_session import start_h2o

    def reply(**kw):
        print("@@" + json.dumps(kw), flush=True)

    conn = start_h2o(verbose=False)
    reply(port=int(conn.base_url.rsplit(":", 1)[1]), name=h2o.cluster().cloud_name)
    for line in sys.stdin:
        if line.strip() == "work":
            frame = h2o.H2OFrame({"x": [1, 2, 3]})
            reply(nrow=frame.nrow, total=frame["x"].sum(), name=h2o.cluster().cloud_name)
        elif line.strip() == "exit":
            break
""")


def _env(**changes: str) -> dict[str, str]:
    """The current environment with the repository importable and ``changes`` applied."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(changes)
    return env


def _jvms_of(pid: int) -> list[psutil.Process]:
    """The H2O JVMs started by process ``pid``, recorded for the final leak check."""
    found = [child for child in psutil.Process(pid).children()
             if any(arg.endswith("h2o.jar") for arg in child.cmdline())]
    _SEEN_JVMS.extend(found)
    return found


def _arg(jvm: psutil.Process, flag: str) -> str:
    """The value following ``flag`` on the JVM's command line."""
    cmdline = jvm.cmdline()
    return cmdline[cmdline.index(flag) + 1]


def _tmpdirs_of_this_process() -> set[str]:
    """Temporary directories of H2O sessions started by this test process."""
    return {p.name for p in Path(tempfile.gettempdir()).glob(f"workshop-h2o-{os.getpid()}-*")}


class Worker:
    """A subprocess running WORKER, talked to line by line."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER], env=_env(WORKSHOP_H2O_MAX_MEM="512M"),
                                     cwd=REPO, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)

    def recv(self) -> dict:
        """The next reply; fails with the worker's stderr if it died."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("@@"):
                return json.loads(line[2:])
        self.proc.wait(timeout=30)
        raise AssertionError(f"worker exited with {self.proc.returncode}:\n{self.proc.stderr.read()}")

    def send(self, command: str) -> None:
        """Send one command line."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()


@pytest.fixture(scope="module", autouse=True)
def no_jvm_left_behind():
    """After this module, none of the JVMs the tests saw may still be running."""
    yield
    stop_h2o()
    _, alive = psutil.wait_procs(_SEEN_JVMS, timeout=15)
    for jvm in alive:
        jvm.kill()
    assert not alive, f"H2O JVMs still running after the tests: {[j.pid for j in alive]}"


@pytest.fixture
def no_session():
    """Make sure this process has no H2O session before and after the test."""
    stop_h2o()
    yield
    stop_h2o()


@pytest.mark.timeout(120)
def test_private_capped_quiet_session(no_session, monkeypatch, capsys):
    monkeypatch.setenv("WORKSHOP_H2O_MAX_MEM", "1500M")
    before = _tmpdirs_of_this_process()
    conn = start_h2o()
    assert capsys.readouterr().out.count("\n") == 1  # one line, no banner or version nag

    port = int(conn.base_url.rsplit(":", 1)[1])
    assert port != 54321
    cluster = h2o.cluster()
    assert cluster.cloud_name.startswith(f"workshop_{os.getpid()}_")
    (jvm,) = _jvms_of(os.getpid())
    assert _arg(jvm, "-name") == cluster.cloud_name
    assert _arg(jvm, "-port") == str(port)
    assert "-Xmx1500M" in jvm.cmdline()
    max_mem = cluster.nodes[0]["max_mem"]
    assert 0.9 * (1500 << 20) <= max_mem <= 1500 << 20
    assert H2OJob.__PROGRESS_BAR__ is False

    frame = h2o.H2OFrame({"x": [1, 2, 3], "y": ["a", "b", "a"]})
    assert frame.shape == (3, 2)
    assert frame["x"].sum() == 6

    assert start_h2o(verbose=False) is conn  # second call: same cluster, no second JVM
    assert [j.pid for j in _jvms_of(os.getpid())] == [jvm.pid]

    ice_root = Path(_arg(jvm, "-ice_root"))
    assert ice_root.is_dir()
    stop_h2o()
    assert not jvm.is_running()
    assert not ice_root.parent.exists()
    assert _tmpdirs_of_this_process() == before
    stop_h2o()  # idempotent


@pytest.mark.timeout(150)
def test_concurrent_processes_are_isolated_and_take_their_jvm_along():
    a, b = Worker(), Worker()  # start both at once, like two kernels
    try:
        ready_a, ready_b = a.recv(), b.recv()
        assert ready_a["port"] != ready_b["port"]
        assert 54321 not in (ready_a["port"], ready_b["port"])
        assert ready_a["name"] != ready_b["name"]
        (jvm_a,), (jvm_b,) = _jvms_of(a.proc.pid), _jvms_of(b.proc.pid)
        assert jvm_a.pid != jvm_b.pid
        assert _arg(jvm_a, "-port") == str(ready_a["port"])
        assert _arg(jvm_b, "-port") == str(ready_b["port"])
        tmp_a = Path(_arg(jvm_a, "-ice_root")).parent
        tmp_b = Path(_arg(jvm_b, "-ice_root")).parent

        # A's kernel ends normally: its JVM and files are gone, B's cluster carries on.
        a.send("exit")
        assert a.proc.wait(timeout=60) == 0
        assert not jvm_a.is_running()
        assert not tmp_a.exists()
        assert jvm_b.is_running()
        b.send("work")
        assert b.recv() == {"nrow": 3, "total": 6, "name": ready_b["name"]}

        # B's kernel is killed outright: on Linux the JVM dies with it (PR_SET_PDEATHSIG).
        if sys.platform.startswith("linux"):
            b.proc.send_signal(signal.SIGKILL)
            b.proc.wait(timeout=30)
            jvm_b.wait(timeout=15)
            shutil.rmtree(tmp_b, ignore_errors=True)  # documented: a killed kernel leaves its temp dir behind
        else:
            b.send("exit")
            assert b.proc.wait(timeout=60) == 0
        assert not jvm_b.is_running()
    finally:
        _close(a)
        _close(b)


def _close(worker: Worker) -> None:
    """Kill the worker if it is still running and close its pipes."""
    if worker.proc.poll() is None:
        worker.proc.kill()
    worker.proc.wait(timeout=30)
    for stream in (worker.proc.stdin, worker.proc.stdout, worker.proc.stderr):
        if stream is not None:
            stream.close()


@pytest.mark.timeout(150)
def test_port_held_by_another_h2o_is_never_attached_to(no_session, monkeypatch):
    other = Worker()
    try:
        taken = other.recv()
        # Simulate losing the race for a port: the first pick is the other cluster's port.
        picks = [taken["port"]]
        real_pick = h2o_session._free_port_pair
        monkeypatch.setattr(h2o_session, "_free_port_pair", lambda: picks.pop() if picks else real_pick())
        conn = start_h2o(verbose=False)
        assert not picks, "the taken port was not tried"
        assert conn.base_url != f"http://127.0.0.1:{taken['port']}"
        assert h2o.cluster().cloud_name.startswith(f"workshop_{os.getpid()}_")
        (jvm,) = _jvms_of(os.getpid())
        _jvms_of(other.proc.pid)
        stop_h2o()
        assert not jvm.is_running()
        other.send("work")
        assert other.recv()["name"] == taken["name"]  # untouched by all this
        other.send("exit")
        assert other.proc.wait(timeout=60) == 0
    finally:
        _close(other)


def test_missing_java_names_java_and_the_fix(tmp_path):
    script = ("from workshop_utils.h2o_session import java_version, start_h2o\n"
              "assert java_version() is None\n"
              "start_h2o()\n")
    nowhere = str(tmp_path / "nowhere")
    done = subprocess.run([sys.executable, "-c", script], env=_env(PATH=nowhere, JAVA_HOME=nowhere),
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "JavaNotFoundError: Java was not found" in done.stderr
    assert "apt-get install openjdk-17-jre-headless" in done.stderr
    assert "brew install openjdk@17" in done.stderr
    assert "JAVA_HOME" in done.stderr


def _fake_java(tmp_path: Path, body: str) -> Path:
    """A JAVA_HOME whose bin/java is a shell script with ``body``."""
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text("#!/bin/sh\n" + body)
    java.chmod(0o755)
    return tmp_path


@pytest.mark.skipif(sys.platform == "win32", reason="fake java is a shell script")
@pytest.mark.parametrize("banner, version, problem, fix", [
    ('java version "1.7.0_80"', (7, 0, 80), r"Java 1\.7\.0_80 .* too old", "openjdk-17-jre-headless"),
    ('openjdk version "21.0.2" 2024-01-16', (21, 0, 2), r"Java 21 .* newer than this H2O supports", "JAVA_HOME"),
], ids=["too-old", "too-new"])
def test_unsupported_java_is_refused_with_its_version_and_fix(no_session, tmp_path, monkeypatch,
                                                               banner, version, problem, fix):
    monkeypatch.setenv("JAVA_HOME", str(_fake_java(tmp_path, f"echo '{banner}' >&2\n")))
    assert java_version() == version
    with pytest.raises(JavaNotFoundError, match=problem) as err:
        start_h2o(verbose=False)
    assert fix in str(err.value)


@pytest.mark.skipif(sys.platform == "win32", reason="fake java is a shell script")
def test_doctor_names_the_supported_java_range(no_session, tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(_fake_java(tmp_path, """echo 'openjdk version "21.0.2"' >&2\n""")))
    from workshop_tools.doctor import check_java
    check = check_java()
    assert not check.ok and "Java 8 to 17" in check.fix


@pytest.mark.skipif(sys.platform == "win32", reason="fake java is a shell script")
def test_jvm_that_dies_at_startup_shows_its_log(no_session, tmp_path, monkeypatch):
    home = _fake_java(tmp_path, textwrap.dedent("""\
        if [ "$1" = "-version" ]; then echo 'openjdk version "17.0.9"' >&2; exit 0; fi
        echo "Error: could not reserve enough space for object heap" >&2
        exit 1
    """))
    monkeypatch.setenv("JAVA_HOME", str(home))
    before = _tmpdirs_of_this_process()
    with pytest.raises(RuntimeError, match=r"(?s)exited with code 1.*could not reserve enough space"):
        start_h2o(verbose=False)
    assert _tmpdirs_of_this_process() == before


@pytest.mark.parametrize("value", ["lots", "2", "1.5G", "-1G", "2GiB", "100M"])
def test_bad_memory_setting_is_a_clear_value_error(no_session, monkeypatch, value):
    monkeypatch.setenv("WORKSHOP_H2O_MAX_MEM", value)
    with pytest.raises(ValueError, match="WORKSHOP_H2O_MAX_MEM") as err:
        start_h2o(verbose=False)
    assert ("2G" in str(err.value)) or ("at least" in str(err.value))


def test_java_version_of_the_real_java():
    version = java_version()
    assert version is not None and version[0] >= 8
