"""A private, quiet, memory-capped H2O cluster for one Python process (one notebook kernel).

>>> from workshop_utils.h2o_session import start_h2o, stop_h2o
>>> conn = start_h2o()          # doctest: +SKIP
H2O 3.46.0.12: private cluster workshop_4242_1a2b3c4d at http://127.0.0.1:40123 (max 2G, 2 threads)
>>> stop_h2o()                  # doctest: +SKIP

Why not ``h2o.init()``: it first *connects* to whatever H2O answers on the requested port (54321
by default) and only starts a JVM if nothing does, so two notebooks end up sharing one cluster and
the first to finish shuts it down under the other. ``H2OLocalServer.start()`` always starts a new
JVM, but it leaves the JVM running when start-up times out, never deletes its temporary
directories, and hides the ``Popen`` handle we need to stop the JVM reliably. So this module
launches the bundled ``h2o.jar`` itself (much the command line ``H2OLocalServer`` builds, minus
``-ea``), with:

* a free port pair chosen here (H2O needs ``port`` and ``port + 1``), retried if another process
  takes it first (H2O then exits with "required ports ... are not available");
* a unique cluster name (process id + random token) which is checked over REST *before*
  ``h2o.connect()`` is called, so the client can never attach to somebody else's cluster;
* ice root, logs, stdout and stderr in one temporary directory, deleted by :func:`stop_h2o`.

How the JVM ends:

* :func:`stop_h2o`, or normal interpreter exit (``atexit``): SIGTERM, then SIGKILL after 10 s,
  then the temporary directory is removed.
* The kernel is killed (SIGKILL, a crash, a SIGTERM Python does not handle): on Linux the JVM is
  started with ``PR_SET_PDEATHSIG`` so the OS kills it as soon as its parent dies (only when
  started from the main thread, because Linux ties the signal to the thread that forked). The
  temporary directory is left behind in that case. On macOS and Windows there is no such cheap
  mechanism: the JVM survives and must be ended by hand (its command line contains
  ``-name workshop_<pid>_...``).
* The JVM runs in its own session, so interrupting a notebook cell (SIGINT to the kernel's
  process group) does not kill the cluster.

``start_h2o(poll_seconds=0.1)`` makes the client ask whether an H2O job (a parse, a model, a
prediction) has finished every 0.1 s. h2o's own schedule waits at least 0.2 s and up to 1.5 s (a
fifth of the job's age so far) between checks, so a job ends on average a few tenths of a second
after H2O has finished it. Each check costs a REST request on both sides, though, and on two
cores that CPU comes out of long jobs: measured on 2026-12-01, lesson 3 (a few long jobs) took
45.0 and 44.9 s with h2o's schedule against 48.8 and 49.1 s at 0.1 s, while lesson 8 (some thirty
short jobs) spent 4.5 to 6 s waiting on finished jobs with h2o's schedule and 1.2 to 1.6 s at
0.1 s. So it is off by default, and lesson 8 turns it on.

``-XX:+ExitOnOutOfMemoryError`` is deliberately not used: H2O's memory manager catches
``OutOfMemoryError`` while allocating, frees or spills its cache and retries; the flag would turn
that recovery into a crash.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import h2o
import h2o.job
from h2o.backend import H2OConnection
from h2o.utils.progressbar import ProgressBar

from workshop_utils import THREADS
from workshop_utils.memory_sizes import parse_size

__all__ = ["JavaNotFoundError", "java_version", "start_h2o", "stop_h2o"]

MEM_ENV_VAR = "WORKSHOP_H2O_MAX_MEM"
DEFAULT_MAX_MEM = "2G"
MIN_JAVA_MAJOR = 8
MAX_JAVA_MAJOR = 17  # h2o.jar 3.46 refuses newer Java (water.JavaVersionSupport)
_MIN_MEM_BYTES = 256 << 20
_HOST = "127.0.0.1"
# Ports near H2O's default are skipped, so a plain h2o.init() elsewhere never finds our cluster.
_H2O_DEFAULT_PORTS = range(54300, 54400)
_INSTALL_HINT = (
    "H2O needs a Java runtime, version 8 or newer (17 recommended). Install one, e.g.\n"
    "  Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless\n"
    "  macOS:         brew install openjdk@17\n"
    "or set JAVA_HOME to an existing Java installation (its bin/java is used)."
)


class JavaNotFoundError(RuntimeError):
    """No usable Java for H2O (missing, broken, too old or too new).

    >>> raise JavaNotFoundError("no java")  # doctest: +SKIP
    """


@dataclass
class _Session:
    process: subprocess.Popen
    connection: H2OConnection
    tmpdir: Path
    port: int
    name: str
    max_mem: str
    nthreads: int
    owner_pid: int


_session: _Session | None = None
_lock = threading.RLock()


# ---------------------------------------------------------------------------------------------
# Java
# ---------------------------------------------------------------------------------------------

def _find_java() -> str | None:
    """Path of the ``java`` executable: ``$JAVA_HOME/bin/java`` first, then ``PATH``.

    >>> _find_java()  # doctest: +SKIP
    '/usr/bin/java'
    """
    exe = "java.exe" if sys.platform == "win32" else "java"
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(exe)


def _parse_java_version(text: str) -> tuple[int, ...] | None:
    """Version numbers from ``java -version`` output; old "1.8" style becomes ``(8, ...)``.

    >>> _parse_java_version('openjdk version "17.0.15" 2025-04-15')
    (17, 0, 15)
    >>> _parse_java_version('java version "1.8.0_381"')
    (8, 0, 381)
    """
    match = re.search(r'version "([^"]+)"', text)
    if not match:
        return None
    numbers = tuple(int(n) for n in re.findall(r"\d+", match.group(1)))
    if len(numbers) > 1 and numbers[0] == 1:
        numbers = numbers[1:]
    return numbers or None


def _java_version_of(java: str) -> tuple[tuple[int, ...] | None, str]:
    """Run ``java -version``; return the parsed version (or None) and the raw output.

    >>> _java_version_of("/usr/bin/java")  # doctest: +SKIP
    ((17, 0, 15), 'openjdk version "17.0.15" ...')
    """
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as err:
        return None, str(err)
    output = (done.stderr + done.stdout).strip()
    return _parse_java_version(output), output


def java_version() -> tuple[int, ...] | None:
    """Version of the Java that H2O would use, or None if there is none that runs.

    >>> java_version()  # doctest: +SKIP
    (17, 0, 15)
    """
    java = _find_java()
    return None if java is None else _java_version_of(java)[0]


def _require_java() -> str:
    """Path of a usable ``java`` (8 to 17), else :class:`JavaNotFoundError` saying how to fix it.

    >>> _require_java()  # doctest: +SKIP
    '/usr/bin/java'
    """
    java = _find_java()
    if java is None:
        raise JavaNotFoundError(
            "Java was not found (looked in $JAVA_HOME/bin and on PATH).\n" + _INSTALL_HINT)
    version, output = _java_version_of(java)
    if version is None:
        raise JavaNotFoundError(
            f"Java at {java} did not report its version (`java -version` said: {output!r}).\n"
            + _INSTALL_HINT)
    if version[0] < MIN_JAVA_MAJOR:
        spelled = re.search(r'version "([^"]+)"', output)  # as Java spells it, e.g. 1.7.0_80
        found = spelled.group(1) if spelled else str(version[0])
        raise JavaNotFoundError(
            f"Java {found} at {java} is too old for H2O (Java {version[0]} < {MIN_JAVA_MAJOR}).\n"
            + _INSTALL_HINT)
    if version[0] > MAX_JAVA_MAJOR:
        raise JavaNotFoundError(
            f"Java {version[0]} at {java} is newer than this H2O supports (Java {MIN_JAVA_MAJOR} to "
            f"{MAX_JAVA_MAJOR}). Install Java 17 beside it and point JAVA_HOME at it.\n" + _INSTALL_HINT)
    return java


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

def _normalise_mem(value: str, source: str) -> str:
    """Check a JVM heap size such as "2G" or "1500m" and return it as the JVM wants it ("1500M").

    >>> _normalise_mem("1500m", "max_mem")
    '1500M'
    >>> _normalise_mem("lots", "max_mem")
    Traceback (most recent call last):
    ...
    ValueError: max_mem='lots' is not a memory size: use a whole number with a unit, e.g. "2G" or "1500M".
    """
    size, spelled = parse_size(value, source)
    if size < _MIN_MEM_BYTES:
        raise ValueError(f"{source}={value!r} is too small: H2O needs at least 256M.")
    return spelled


def _resolve_max_mem(max_mem: str | None) -> str:
    """Heap cap: the argument, else ``$WORKSHOP_H2O_MAX_MEM``, else "2G".

    >>> _resolve_max_mem("3G")
    '3G'
    """
    if max_mem is not None:
        return _normalise_mem(max_mem, "max_mem")
    from_env = os.environ.get(MEM_ENV_VAR)
    if from_env is not None and from_env.strip():
        return _normalise_mem(from_env, MEM_ENV_VAR)
    return DEFAULT_MAX_MEM


def _h2o_jar() -> str:
    """The h2o.jar shipped with the h2o package (or ``$H2O_JAR_PATH``, as h2o itself honours).

    >>> _h2o_jar()  # doctest: +SKIP
    '.../site-packages/h2o/backend/bin/h2o.jar'
    """
    jar = os.environ.get("H2O_JAR_PATH") or str(Path(h2o.backend.__file__).parent / "bin" / "h2o.jar")
    if not Path(jar).is_file():
        raise RuntimeError(f"h2o.jar not found at {jar}; reinstall the h2o package.")
    return jar


def _polling_every(seconds: float) -> type[ProgressBar]:
    """h2o's job progress bar (hidden in the lessons), asking about its job every ``seconds``.

    >>> _polling_every(0.1)(hidden=True)._guess_next_poll_interval()
    0.1
    """

    class BriskPolling(ProgressBar):
        MIN_PROGRESS_CHECK_INTERVAL = seconds

        def _guess_next_poll_interval(self) -> float:
            return seconds

    return BriskPolling


def _set_polling(seconds: float | None) -> None:
    """Make every later H2O job poll every ``seconds`` (None: h2o's own schedule again).

    >>> _set_polling(0.1); h2o.job.ProgressBar.MIN_PROGRESS_CHECK_INTERVAL
    0.1
    >>> _set_polling(None); h2o.job.ProgressBar is ProgressBar
    True
    """
    h2o.job.ProgressBar = ProgressBar if seconds is None else _polling_every(seconds)


# ---------------------------------------------------------------------------------------------
# Ports and the JVM process
# ---------------------------------------------------------------------------------------------

def _port_is_free(port: int) -> bool:
    """True if ``port`` can be bound on 127.0.0.1 right now.

    >>> isinstance(_port_is_free(1), bool)
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((_HOST, port))
        except OSError:
            return False
    return True


def _free_port_pair(attempts: int = 100) -> int:
    """A port ``p`` such that ``p`` and ``p + 1`` are both free (H2O uses both).

    >>> 1024 < _free_port_pair() < 65535
    True
    """
    for _ in range(attempts):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((_HOST, 0))  # the OS hands out an unused port
            port = sock.getsockname()[1]
        if port + 1 > 65535 or port in _H2O_DEFAULT_PORTS or port + 1 in _H2O_DEFAULT_PORTS:
            continue
        if _port_is_free(port + 1):
            return port
    raise RuntimeError("Could not find two adjacent free ports on 127.0.0.1 for H2O.")


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` making the child get SIGKILL when we die (Linux, main thread only).

    >>> _die_with_parent() is None or callable(_die_with_parent())
    True
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(1, int(signal.SIGKILL))  # 1 == PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def _log_tail(tmpdir: Path, lines: int = 20) -> str:
    """The last lines of the JVM's stdout and stderr, for error messages.

    >>> _log_tail(Path("/nonexistent"))
    ''
    """
    parts = []
    for name in ("jvm.out", "jvm.err"):
        path = tmpdir / name
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            if text:
                parts.append(f"--- last lines of JVM {name[4:]} ---\n" + "\n".join(text))
    return "\n".join(parts)


def _cloud_name(port: int) -> str | None:
    """Name of the healthy H2O cluster answering on ``port``, or None if none (yet).

    >>> _cloud_name(1) is None
    True
    """
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with opener.open(f"http://{_HOST}:{port}/3/Cloud", timeout=2) as response:
            info = json.load(response)
    except (OSError, ValueError, http.client.HTTPException):  # URLError is an OSError
        return None
    return info.get("cloud_name") if info.get("cloud_healthy") else None


def _terminate(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process, SIGKILL it if it is still alive after ``grace`` seconds.

    >>> _terminate(subprocess.Popen(["sleep", "30"]))  # doctest: +SKIP
    """
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _launch(java: str, port: int, name: str, max_mem: str, nthreads: int, tmpdir: Path) -> subprocess.Popen:
    """Start the H2O JVM in the background; stdout/stderr go to files in ``tmpdir``.

    >>> _launch("java", 40123, "x", "1G", 2, Path("/tmp/x"))  # doctest: +SKIP
    """
    (tmpdir / "ice").mkdir(exist_ok=True)
    command = [
        java, f"-Xmx{max_mem}", "-jar", _h2o_jar(),
        "-name", name, "-ip", _HOST, "-web_ip", _HOST, "-port", str(port),
        "-nthreads", str(nthreads), "-ice_root", str(tmpdir / "ice"),
        "-log_dir", str(tmpdir / "logs"), "-allow_unsupported_java",
    ]
    with open(tmpdir / "jvm.out", "w") as out, open(tmpdir / "jvm.err", "w") as err:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                cwd=tmpdir, start_new_session=True, preexec_fn=_die_with_parent())


def _wait_until_up(process: subprocess.Popen, port: int, name: str, timeout: float) -> str | None:
    """Wait for our cluster to answer: None once it does, else why not ("exited with code 255").

    >>> _wait_until_up(proc, 40123, "workshop_1_ab", 90.0)  # doctest: +SKIP
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"exited with code {process.returncode}"
        if _cloud_name(port) == name:
            return None
        time.sleep(0.25)
    return f"did not answer within {timeout:.0f} s"


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

def start_h2o(max_mem: str | None = None, nthreads: int = THREADS, progress: bool = False,
              verbose: bool = True, timeout: float = 90.0, poll_seconds: float | None = None) -> H2OConnection:
    """Start (once per process) a private H2O cluster on a free port and connect ``h2o`` to it.

    ``max_mem`` caps the JVM heap ("2G", "1500M"); default ``$WORKSHOP_H2O_MAX_MEM`` or "2G".
    Progress bars stay off unless ``progress=True``; ``verbose`` prints one line. ``poll_seconds``
    (e.g. 0.1) checks on every H2O job that often instead of h2o's schedule: the same results,
    sooner for many short jobs, later for a few long ones (see the module's notes). A second call
    returns the running cluster's connection. Raises :class:`JavaNotFoundError` without Java.

    >>> conn = start_h2o(max_mem="1G")  # doctest: +SKIP
    >>> h2o.H2OFrame({"x": [1, 2, 3]}).nrow  # doctest: +SKIP
    3
    """
    global _session
    mem = _resolve_max_mem(max_mem)
    if isinstance(nthreads, bool) or not isinstance(nthreads, int) or nthreads < 1:
        raise ValueError(f"nthreads={nthreads!r} must be a positive whole number.")
    if poll_seconds is not None and not 0.01 <= poll_seconds <= 5:
        raise ValueError(f"poll_seconds={poll_seconds!r} must lie between 0.01 and 5 (or be None).")
    with _lock:
        if progress:
            h2o.show_progress()
        else:
            h2o.no_progress()
        _set_polling(poll_seconds)
        if _session is not None and _session.owner_pid == os.getpid():
            if _session.process.poll() is None and _session.connection.connected:
                if (mem, nthreads) != (_session.max_mem, _session.nthreads):
                    warnings.warn(f"H2O is already running with max_mem={_session.max_mem}, "
                                  f"nthreads={_session.nthreads}; call stop_h2o() first to change them.", stacklevel=2)
                return _session.connection
            stop_h2o()  # JVM or connection gone (e.g. h2o.cluster().shutdown()): start afresh
        _session = None
        java = _require_java()
        name = f"workshop_{os.getpid()}_{secrets.token_hex(4)}"
        for _attempt in range(5):
            tmpdir = Path(tempfile.mkdtemp(prefix=f"workshop-h2o-{os.getpid()}-"))
            port = _free_port_pair()
            process = None
            try:
                process = _launch(java, port, name, mem, nthreads, tmpdir)
                problem = _wait_until_up(process, port, name, timeout)
                if problem is None:
                    # The name was checked over REST, so this connects to our JVM and no other.
                    # Output is swallowed: even with verbose=False, h2o prints a "your H2O
                    # version is old" nag that is pointless with the course's pinned version.
                    with contextlib.redirect_stdout(io.StringIO()):
                        connection = h2o.connect(url=f"http://{_HOST}:{port}", verbose=False,
                                                 strict_version_check=True)
                    break
            except BaseException:  # includes KeyboardInterrupt: never leave a half-started JVM
                if process is not None:
                    _terminate(process)
                shutil.rmtree(tmpdir, ignore_errors=True)
                raise
            _terminate(process)
            tail = _log_tail(tmpdir)
            shutil.rmtree(tmpdir, ignore_errors=True)
            if not re.search(r"required ports .* are not available", tail):
                raise RuntimeError(f"H2O did not start: the JVM {problem}.\n{tail}")
        else:
            raise RuntimeError("H2O did not start: its port was taken by another process 5 times.")
        _session = _Session(process, connection, tmpdir, port, name, mem, nthreads, os.getpid())
        # Registered after h2o.connect(): atexit runs last-in-first-out, so we close the
        # connection quietly before h2o's own exit handler would print about it.
        atexit.unregister(stop_h2o)
        atexit.register(stop_h2o)
        if verbose:
            print(f"H2O {h2o.__version__}: private cluster {name} at http://{_HOST}:{port} "
                  f"(max {mem}, {nthreads} threads)")
        return connection


def stop_h2o() -> None:
    """Stop this process's H2O cluster and delete its temporary files; safe to call repeatedly.

    >>> stop_h2o()
    >>> stop_h2o()
    """
    global _session
    with _lock:
        session, _session = _session, None
        if session is None or session.owner_pid != os.getpid():
            return  # nothing started, or a forked child: the cluster belongs to the parent
        try:
            if session.connection.connected:
                session.connection.close()
        except Exception:  # the JVM may already be gone; stopping must not fail because of that
            pass
        _terminate(session.process)
        shutil.rmtree(session.tmpdir, ignore_errors=True)
        _set_polling(None)
