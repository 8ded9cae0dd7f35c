"""A bubblewrap (``bwrap``) sandbox for grading one submission: no network, a read-only view of
only what grading needs, one writable scratch folder, capped file sizes, and every process ended
with the sandbox.

``sandboxed`` only builds a command line; run it like any other (``subprocess.run``/``Popen``).

Example:
    >>> if sandbox_problem() is None:  # doctest: +SKIP
    ...     subprocess.run(sandboxed(["python", "-c", "pass"], scratch=Path(tmp), readable=[],
    ...                              max_file_bytes=DEFAULT_MAX_FILE_BYTES, env={}), check=True)
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

SANDBOX_UID = 65534
"""The user (``nobody``) a sandbox run by root switches to: root without capabilities could still
read root-only files such as /etc/shadow and print them into the feedback the student sees."""

DEFAULT_MAX_FILE_BYTES = 512 << 20
"""A sensible size cap for one file written inside: far above a graded notebook with its figures,
the gradebook or H2O's logs (a few MB each), far below what fills a disk."""

TMP_BYTES = 1 << 30
"""Size of the sandbox's private /tmp, a tmpfs held in memory (so it is capped)."""

SHM_BYTES = 256 << 20
"""Size of its private /dev/shm (joblib's and multiprocessing's semaphores and shared arrays)."""

SYSTEM_DIRS = ("/usr", "/etc")
"""System folders shown read-only: programs, libraries, Java, certificates, passwd, locale."""

MERGED_USR_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
"""Top-level folders that are links into /usr on merged-/usr systems, plain folders elsewhere."""


PASSED_VARIABLES = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH", "JAVA_HOME", "H2O_JAVA_HOME",
                    "WORKSHOP_H2O_MAX_MEM", "WORKSHOP_DATA_DIR", "WORKSHOP_GRADING", "OMP_WAIT_POLICY",
                    "OMP_NUM_THREADS")
"""The only variables ``passed_env`` keeps: what finds programs, the course and its data, sizes H2O
and OpenMP, and tells the lesson library it is being graded; tokens, keys and the like in the
instructor's environment stay outside."""


def passed_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The part of ``environ`` a submission may see (``PASSED_VARIABLES``).

    >>> passed_env({"PATH": "/usr/bin", "GITHUB_TOKEN": "secret"})
    {'PATH': '/usr/bin'}
    """
    return {name: environ[name] for name in PASSED_VARIABLES if name in environ}


def runtime_paths(env: Mapping[str, str]) -> list[Path]:
    """Folders the Python environment and Java live in (shown read-only in every sandbox): this
    interpreter's prefix and its base installation, and ``JAVA_HOME``/``H2O_JAVA_HOME`` when set.

    >>> Path(sys.prefix).resolve() in runtime_paths({})
    True
    """
    found = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             env.get("JAVA_HOME", ""), env.get("H2O_JAVA_HOME", "")]
    return list(dict.fromkeys(Path(path).resolve() for path in found if path))


def _system_args() -> list[str]:
    """The read-only system folders, with /bin, /lib... as the same links they are outside."""
    args = [arg for folder in SYSTEM_DIRS for arg in ("--ro-bind", folder, folder)]
    for link in MERGED_USR_LINKS:
        if os.path.islink(link):
            args += ["--symlink", os.readlink(link), link]
        else:
            args += ["--ro-bind-try", link, link]
    return args


def _mount_args(scratch: Path, readable: Iterable[Path], hidden: Iterable[Path]) -> list[str]:
    """Mounts below the system folders: a private /tmp, ``readable`` folders (read-only, those
    that exist), ``scratch`` (writable) and an empty tmpfs over each existing ``hidden`` folder
    inside them. A path is mounted after the folders holding it, so a deeper bind shows through
    a hidden parent. Folders bwrap has to create on the way are made world-readable (root's
    default, 0700, would lock out the unprivileged user)."""
    # A private, size-capped /tmp (Java and H2O write there), writable by every user.
    mounts = {Path("/tmp"): ["--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]}
    mounts |= {path: ["--ro-bind", str(path), str(path)] for path in readable if path.exists()}
    mounts[scratch] = ["--bind", str(scratch), str(scratch)]
    shown = [path for path in mounts if path != Path("/tmp")]
    mounts |= {path: ["--tmpfs", str(path)] for path in hidden
               if path.exists() and any(path.is_relative_to(top) for top in shown)}
    args: list[str] = []
    made: set[Path] = set()
    for path in sorted(mounts, key=lambda p: len(p.parts)):
        for parent in reversed(path.parents[:-1]):
            holder = next((m for m in parent.parents if m in mounts), None)
            if parent not in mounts and parent not in made and (holder is None or "--tmpfs" in mounts[holder]):
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        args += mounts[path]
    return args


def _drop_root() -> list[str]:
    """As root, the command prefix switching to ``SANDBOX_UID`` with no capabilities; else none
    (bwrap already runs an unprivileged user's command without capabilities)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_UID}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--"]


def sandboxed(command: Sequence[str], *, scratch: Path, readable: Sequence[Path], max_file_bytes: int,
              env: Mapping[str, str], hidden: Sequence[Path] = ()) -> list[str]:
    """The bwrap command line running ``command`` sandboxed, in ``scratch`` (its working folder).

    Visible: the system folders, the Python environment and Java (``runtime_paths``) and
    ``readable``, all read-only; ``scratch``, read-write, is the only writable folder besides a
    private /tmp. ``hidden`` folders inside those become empty (e.g. the grading output or other
    students' folders when the course checkout holds them; they must exist before the sandbox
    starts). ``env`` is the whole environment, with HOME set to ``scratch`` and TMPDIR to /tmp.
    Run by root, the command runs as ``SANDBOX_UID`` and ``scratch`` is handed to that user.

    >>> "--unshare-net" in sandboxed(["true"], scratch=Path("/nonexistent"), readable=[],
    ...                               max_file_bytes=1 << 20, env={})
    True
    """
    scratch = Path(scratch).resolve()
    if os.geteuid() == 0 and scratch.exists():
        os.chown(scratch, SANDBOX_UID, SANDBOX_UID)
    shown = [*runtime_paths(env), *(Path(path).resolve() for path in readable)]
    environment = {**env, "HOME": str(scratch), "TMPDIR": "/tmp"}
    return [
        "bwrap",
        # A user namespace lets an unprivileged user build the sandbox; root needs none and keeps
        # real user ids, so setpriv below can switch to an unprivileged one.
        *([] if os.geteuid() == 0 else ["--unshare-user"]),
        # No network at all: a fresh network namespace has only its own loopback, so H2O and
        # the kernel's ZeroMQ sockets still work on 127.0.0.1 but nothing outside is reachable.
        "--unshare-net",
        # Own process ids: the command cannot see or signal other processes, and when it ends
        # bwrap's init (pid 1 inside) exits and the kernel kills everything left, even
        # processes started in the background in a new session.
        "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        # Killed when the grader that started it dies; no terminal to inject keystrokes into.
        "--die-with-parent", "--new-session",
        # Root keeps only what setpriv needs to switch to the unprivileged user (then none).
        "--cap-drop", "ALL", *(["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
                               if os.geteuid() == 0 else []),
        # An empty root with only these read-only: no home folders, no other submissions.
        *_system_args(),
        # Own /proc (only the sandbox's processes) and a minimal /dev, with a writable /dev/shm
        # (without it joblib falls back to running serially).
        "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
        *_mount_args(scratch, shown, [Path(path).resolve() for path in hidden]),
        "--chdir", "/",
        "--clearenv", *[arg for name, value in environment.items() for arg in ("--setenv", name, value)],
        "--",
        *_drop_root(),
        # Enter scratch as the sandbox's user (root without capabilities may not enter it).
        "env", f"--chdir={scratch}", "--",
        # No single file larger than the cap (the process gets EFBIG; Python raises OSError).
        "prlimit", f"--fsize={max_file_bytes}", "--",
        *command,
    ]


def _explain(stderr: str) -> str:
    """The cause and fix of a failed probe, from bwrap's error message.

    >>> _explain("bwrap: setting up uid map: Permission denied")[:40]
    'bwrap cannot create a user namespace her'
    """
    message = stderr.strip().splitlines()[-1] if stderr.strip() else "no message"
    if os.geteuid() == 0 and ("namespace" in message or "Operation not permitted" in message):
        return (f"bwrap may not create namespaces here ({message}), typically inside a container; grade on the "
                "host, or start the container with `--security-opt seccomp=unconfined --security-opt apparmor=unconfined`.")
    if "namespace" in message or "uid map" in message or "Operation not permitted" in message:
        return (f"bwrap cannot create a user namespace here ({message}); enable them with "
                "`sudo sysctl -w kernel.unprivileged_userns_clone=1` (Debian) or `sudo sysctl -w user.max_user_namespaces=15000` "
                "(on Ubuntu 24.04 also `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`), or grade as root.")
    if "Unknown option" in message or "Unrecognized" in message:
        return f"this bwrap is too old for the grading sandbox ({message}); install bubblewrap 0.8 or newer."
    return f"bwrap could not start the grading sandbox ({message}); run `bwrap --ro-bind / / true` to investigate."


@functools.cache
def sandbox_problem() -> str | None:
    """None when a bubblewrap sandbox works here, else one sentence with the cause and the fix.

    It tries the real thing (``true`` with grading's options), once per process; call
    ``sandbox_problem.cache_clear()`` to try again.

    >>> sandbox_problem() is None or "bwrap" in sandbox_problem()
    True
    """
    if not sys.platform.startswith("linux"):
        return "the grading sandbox (bubblewrap) needs Linux; grade on a Linux machine or in the course's Docker image."
    missing = [tool for tool in ("bwrap", "prlimit", *(["setpriv"] if os.geteuid() == 0 else []))
               if shutil.which(tool) is None]
    if "bwrap" in missing:
        return "bwrap (bubblewrap) is not installed; install it with `sudo apt-get install bubblewrap` or `make system`."
    if missing:
        return f"{' and '.join(missing)} (util-linux) not found; install it with `sudo apt-get install util-linux`."
    with tempfile.TemporaryDirectory(prefix="workshop-sandbox-probe-") as scratch:
        command = sandboxed(["true"], scratch=Path(scratch), readable=[], max_file_bytes=DEFAULT_MAX_FILE_BYTES,
                            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as error:
            return _explain(str(error))
    return None if done.returncode == 0 else _explain(done.stderr)


def describe() -> str:
    """One line for the instructor on what the grading sandbox blocks.

    >>> "network" in describe()
    True
    """
    return ("Each submission runs in a bubblewrap sandbox: no network, the course and system read-only, "
            "no home folders, other submissions or grading output visible, only its scratch folder and a "
            "private /tmp writable, files capped in size, and every process it started ended with it.")
