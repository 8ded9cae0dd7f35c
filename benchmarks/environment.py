"""The Python environment's size on disk, and what each package the course declares adds to it:
the files of that package and of every package only it needs (so dropping it would save that
much). Run it with the environment's own interpreter, e.g. a venv made from requirements.lock
alone to see the runtime part.

Example: ``python -m benchmarks environment``.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.markers import UndefinedEnvironmentName
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from workshop_utils.paths import PROJECT_ROOT


def installed() -> dict[str, metadata.Distribution]:
    """Every distribution this interpreter sees, by canonical name."""
    return {canonicalize_name(d.metadata["Name"]): d for d in metadata.distributions()}


def megabytes(dist: metadata.Distribution) -> float:
    """The size of a distribution's installed files, in MB."""
    files = (Path(dist.locate_file(f)) for f in dist.files or [])
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


def requirements(dist: metadata.Distribution, present: Iterable[str]) -> set[str]:
    """The installed distributions ``dist`` needs (extras left out, markers evaluated here)."""
    names = set()
    for line in dist.requires or []:
        requirement = Requirement(line)
        try:
            applies = requirement.marker is None or requirement.marker.evaluate({"extra": ""})
        except UndefinedEnvironmentName:
            applies = False
        if applies and canonicalize_name(requirement.name) in present:
            names.add(canonicalize_name(requirement.name))
    return names


def closure(root: str, needs: dict[str, set[str]]) -> set[str]:
    """``root`` and everything it needs, directly or not.

    >>> sorted(closure("a", {"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a"}}))
    ['a', 'b', 'c']
    """
    seen, todo = set(), [root]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += needs.get(name, set())
    return seen


def declared(pyproject: Path = PROJECT_ROOT / "pyproject.toml") -> list[str]:
    """The runtime dependencies ``pyproject.toml`` declares, by canonical name."""
    project = tomllib.loads(pyproject.read_text())["project"]
    return [canonicalize_name(Requirement(line).name) for line in project["dependencies"]]


def benchmark_environment(roots: list[str] | None = None) -> list[dict[str, object]]:
    """The environment's total, then each declared package's own growth (its exclusive needs), largest first."""
    dists = installed()
    needs = {name: requirements(dist, dists) for name, dist in dists.items()}
    size = {name: megabytes(dist) for name, dist in dists.items()}
    roots = [name for name in roots or declared() if name in dists]
    reach = {root: closure(root, needs) for root in roots}
    rows = []
    for root in roots:
        others = set().union(*(reach[other] for other in roots if other != root))
        own = reach[root] - others
        rows.append({"package": root, "adds_mb": round(sum(size[n] for n in own)), "packages": len(own)})
    rows.sort(key=lambda row: -row["adds_mb"])
    total = {"package": f"whole environment ({sys.prefix})", "adds_mb": round(sum(size.values())), "packages": len(dists)}
    return [total, *rows]
