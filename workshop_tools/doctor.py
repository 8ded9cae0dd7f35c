"""`workshop doctor`: check this machine can run the course, and say exactly what to fix.

Example:
    >>> problems = [check for check in run_checks() if not check.ok]  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

from workshop_utils.paths import PROJECT_ROOT

MIN_MEMORY_GB = 4.0
LOCK_FILE = PROJECT_ROOT / "requirements.lock"
EXCLUDED_HEADER = "# The following packages were excluded from the output:"
"""uv's heading, in a lock, over the packages left out of it (one ``# name`` line each)."""


@dataclass(frozen=True)
class Check:
    """The outcome of one check: what was found and, when it is a problem, how to fix it."""

    name: str
    ok: bool
    found: str
    fix: str = ""


def check_python() -> Check:
    """The course is pinned and tested on Python 3.11."""
    found = ".".join(map(str, sys.version_info[:3]))
    return Check("Python", sys.version_info[:2] == (3, 11), found,
                 "install Python 3.11 and re-create the environment: rm -rf .venv && make install")


def check_java() -> Check:
    """H2O needs a Java runtime it supports: 8 to 17."""
    from workshop_utils.h2o_session import MAX_JAVA_MAJOR, MIN_JAVA_MAJOR, java_version

    version = java_version()
    if version is None:
        return Check("Java", False, "not found",
                     "install Java 17 (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; "
                     "macOS: brew install openjdk@17) or set JAVA_HOME")
    major = version[1] if version[0] == 1 else version[0]
    return Check("Java", MIN_JAVA_MAJOR <= major <= MAX_JAVA_MAJOR, ".".join(map(str, version)),
                 f"H2O needs Java {MIN_JAVA_MAJOR} to {MAX_JAVA_MAJOR}: install Java 17 "
                 "(apt-get install openjdk-17-jre-headless, or brew install openjdk@17) and point "
                 "JAVA_HOME at it")


def total_memory_gb() -> float:
    """Physical memory of the machine, in GB."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9


def check_memory() -> Check:
    """A lesson needs up to 3 GB (kernel and Java together); 4 GB leaves room for the rest."""
    gigabytes = total_memory_gb()
    return Check("Memory", gigabytes >= MIN_MEMORY_GB, f"{gigabytes:.1f} GB",
                 f"the lessons need at least {MIN_MEMORY_GB:g} GB; close other programs, give "
                 "Docker more memory, or lower WORKSHOP_H2O_MAX_MEM (e.g. 1G)")


def check_data() -> Check:
    """The data file is present and unaltered."""
    from workshop_utils.data import DataFileError, verify_data

    try:
        path = verify_data()
    except DataFileError as error:
        message = str(error)
        return Check("Data", False, message.split(". Fix: ")[0],
                     message.split("Fix: ")[-1] if "Fix: " in message else "restore data/")
    return Check("Data", True, f"{path.name}, checksum verified")


def pinned_versions(lock: Path = LOCK_FILE) -> dict[str, str]:
    """Package name to pinned version, for the lock-file lines that apply to this machine."""
    pins = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)\s*(?:;\s*(.+))?$", line.strip())
        if match and (match.group(3) is None or Marker(match.group(3)).evaluate()):
            pins[canonicalize_name(match.group(1).split("[")[0])] = match.group(2)
    return pins


def _installed(name: str) -> str | None:
    """The installed version of a distribution, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def left_out(lock: Path = LOCK_FILE) -> list[str]:
    """The packages the lock leaves out on purpose, such as the CUDA ``xgboost`` beside
    ``xgboost-cpu``: those uv lists under "excluded from the output" (``[tool.uv.pip]
    no-emit-package`` in pyproject.toml)."""
    lines = lock.read_text().splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith(EXCLUDED_HEADER)), len(lines))
    return sorted(canonicalize_name(line.lstrip("# ").strip()) for line in lines[start + 1:]
                  if line.startswith("# ") and line.strip("# "))


def check_packages(lock: Path = LOCK_FILE) -> Check:
    """Every package pinned in requirements.lock is installed at its pinned version, and none it
    leaves out on purpose is installed."""
    if not lock.exists():
        return Check("Packages", False, f"{lock} is missing", "restore it: git checkout -- requirements.lock")
    unwanted = [name for name in left_out(lock) if _installed(name)]
    if unwanted:
        fix = f"pip uninstall -y {' '.join(unwanted)}"
        if "xgboost" in unwanted:  # the CUDA wheel overwrote xgboost-cpu's files
            fix += ", then pip install --force-reinstall --no-deps xgboost-cpu"
        return Check("Packages", False, f"{', '.join(unwanted)} installed, which the lock leaves out on purpose "
                     "(see [tool.uv] in pyproject.toml)", fix)
    wrong = []
    for name, wanted in sorted(pinned_versions(lock).items()):
        installed = _installed(name) or "missing"
        if installed != wanted:
            wrong.append(f"{name} {installed} (pinned {wanted})")
    found = "all match requirements.lock" if not wrong else f"{len(wrong)} differ: " + ", ".join(wrong[:5])
    return Check("Packages", not wrong, found, "re-install from the lock file: make install")


def check_sandbox() -> Check:
    """``workshop grade`` runs each submission in a bubblewrap sandbox; it must work here."""
    from workshop_tools.sandbox import sandbox_problem

    problem = sandbox_problem()
    if problem is None:
        return Check("Sandbox", True, "bubblewrap works: `workshop grade` can contain each submission")
    cause, _, fix = problem.partition("; ")
    return Check("Sandbox", False, f"`workshop grade` cannot sandbox submissions: {cause}",
                 fix or "see the cause above (`workshop grade --no-sandbox` grades without it, unsafely)")


CHECKS: list[Callable[[], Check]] = [check_python, check_java, check_memory, check_data, check_packages,
                                     check_sandbox]


def run_checks() -> list[Check]:
    """Run every check; a check that itself fails is reported as a problem, not raised."""
    results = []
    for check in CHECKS:
        try:
            results.append(check())
        except Exception as error:  # the doctor must always finish its report
            results.append(Check(check.__name__.removeprefix("check_").title(), False,
                                 f"the check failed: {error}", "see the message above"))
    return results


def report(checks: list[Check]) -> str:
    """Human-readable report, one line per check, a fix under each problem."""
    lines = []
    for check in checks:
        lines.append(f"[{'ok' if check.ok else 'PROBLEM'}] {check.name}: {check.found}")
        if not check.ok:
            lines.append(f"      fix: {check.fix}")
    problems = sum(not check.ok for check in checks)
    lines.append("All checks passed." if not problems else f"{problems} problem(s) to fix.")
    return "\n".join(lines)
