"""``workshop formgrade OUT``: JupyterLab on the class course ``OUT/course/`` with nbgrader's
formgrader, for the instructor: on 127.0.0.1 only, with a fresh token in the printed link, and
with nbgrader's panels and server extensions on. The learners' settings (``config/learner``, which
turn nbgrader off) are taken off ``JUPYTER_CONFIG_PATH`` for this server.

Example:
    >>> formgrader_url(8890, "abc")
    'http://127.0.0.1:8890/formgrader?token=abc'
    >>> instructor_environment("t", {"JUPYTER_CONFIG_PATH": str(LEARNER_CONFIG), "HOME": "/h"})
    {'HOME': '/h', 'JUPYTER_TOKEN': 't'}
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

from workshop_tools.class_gradebook.course import class_course
from workshop_utils.paths import PROJECT_ROOT

DEFAULT_PORT = 8890
"""The formgrader's port (``make lab`` uses 8888)."""

LEARNER_CONFIG = PROJECT_ROOT / "config" / "learner"
"""The learners' Jupyter settings, which must not reach the instructor's server."""

START_TIMEOUT_S = 120.0


def formgrader_url(port: int, token: str) -> str:
    """The link the instructor opens."""
    return f"http://127.0.0.1:{port}/formgrader?token={token}"


def instructor_environment(token: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of the formgrader's server: this one's, with the token, and without the
    learner settings on ``JUPYTER_CONFIG_PATH`` (the variable is dropped when nothing else is on it)."""
    env = dict(os.environ if environ is None else environ)
    kept = [entry for entry in env.pop("JUPYTER_CONFIG_PATH", "").split(os.pathsep)
            if entry and Path(entry).resolve() != LEARNER_CONFIG.resolve()]
    if kept:
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(kept)
    env["JUPYTER_TOKEN"] = token
    return env


def formgrader_command(course: Path, port: int) -> list[str]:
    """The JupyterLab command line serving the class course (run it with ``cwd=course``, where
    nbgrader reads the course's ``nbgrader_config.py``), the formgrader extension switched on."""
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={course}",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               "--no-browser", "--ServerApp.jpserver_extensions", "nbgrader.server_extensions.formgrader=True"]
    return command + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])


def start_formgrader(out: Path, port: int = DEFAULT_PORT, token: str | None = None,
                     log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start the formgrader's JupyterLab on the class course in ``out`` (in a session of its own,
    its output to ``log`` or this terminal); return the process and its token."""
    course = class_course(out)
    if not (course / "gradebook.db").exists():
        raise FileNotFoundError(f"{course} holds no gradebook. Fix: run `workshop grade SUBMITTED --out {out}` first.")
    token = token or secrets.token_hex(24)
    with contextlib.ExitStack() as files:  # the server keeps its own copy of the log file open
        output = files.enter_context(open(log, "w")) if log else None
        process = subprocess.Popen(formgrader_command(course, port), cwd=course, env=instructor_environment(token),
                                   stdout=output, stderr=subprocess.STDOUT if output else None,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    return process, token


def is_up(port: int, token: str) -> bool:
    """True when the server on ``port`` answers a request carrying ``token``."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_until_up(process: subprocess.Popen, port: int, token: str, timeout: float = START_TIMEOUT_S) -> bool:
    """Wait until the server answers; False when it ended or the time ran out."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if is_up(port, token):
            return True
        time.sleep(0.5)
    return False


def stop(process: subprocess.Popen) -> None:
    """Stop the server the way Ctrl-C would (it shuts its kernels down), then for sure."""
    for ending, patience in ((signal.SIGTERM, 30.0), (signal.SIGKILL, None)):
        if process.poll() is not None:
            return
        os.killpg(process.pid, ending)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=patience)


def run_formgrader(out: Path, port: int = DEFAULT_PORT, say: Callable[[str], None] = print) -> int:
    """``workshop formgrade``: serve the formgrader until Ctrl-C; 0 when it ran, 1 when it failed."""
    process, token = start_formgrader(out, port)
    try:
        if not wait_until_up(process, port, token):
            stop(process)
            say(f"error: JupyterLab did not start on port {port} (in use? try --port)")
            return 1
        say(f"Formgrader for {class_course(out)}:\n    {formgrader_url(port, token)}\n"
            "Open the link; press Ctrl-C here to stop.")
        process.wait()
    except KeyboardInterrupt:
        say("stopping the formgrader")
    finally:
        stop(process)
    return 0
