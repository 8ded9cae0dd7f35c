"""The layout shows the architecture: the lesson library (``workshop_utils``) apart from the
instructor's tooling (``workshop_tools``), a public surface every lesson name resolves in, and a
README module map that matches the tree."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re

import nbformat
import pytest

from workshop_utils.paths import PROJECT_ROOT, lesson_names, source_notebook

LIBRARY, TOOLING = "workshop_utils", "workshop_tools"


def modules(package: str) -> list[str]:
    """Dotted names of the package's modules (subpackages included), ``__init__`` left out."""
    base = PROJECT_ROOT / package
    return sorted(".".join((package, *p.relative_to(base).with_suffix("").parts))
                  for p in base.rglob("*.py") if p.name != "__init__.py")


def lesson_code(lesson: str) -> ast.Module:
    """The code cells of a lesson's source, as one parsed module (IPython magics dropped)."""
    cells = nbformat.read(source_notebook(lesson), as_version=4).cells
    lines = [line for c in cells if c.cell_type == "code" for line in c.source.splitlines()
             if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def is_package(name: str) -> bool:
    """Whether a dotted name is a package (so its names may be modules)."""
    return hasattr(importlib.import_module(name), "__path__")


def library_names(tree: ast.Module) -> set[tuple[str, str]]:
    """(module, name) for every library name a lesson uses: imported from a module, or read as
    ``alias.name`` from a module it imported."""
    used, aliases = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(LIBRARY):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if is_package(node.module) and importlib.util.find_spec(submodule):
                    aliases[alias.asname or alias.name] = submodule
                else:
                    used.add((node.module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(LIBRARY) and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            used.add((aliases[node.value.id], node.attr))
    return used


@pytest.mark.parametrize("lesson", lesson_names())
def test_every_library_name_a_lesson_uses_is_public(lesson):
    used = library_names(lesson_code(lesson))
    assert used, f"{lesson} uses nothing from {LIBRARY}?"
    for module_name, name in sorted(used):
        module = importlib.import_module(module_name)
        assert hasattr(module, name), f"{lesson} uses {module_name}.{name}, which does not exist"
        if module_name != LIBRARY:
            assert name in module.__all__, f"{lesson} uses {module_name}.{name}, which is not in its __all__"


@pytest.mark.parametrize("module_name", modules(LIBRARY))
def test_every_library_module_declares_its_public_names(module_name):
    module = importlib.import_module(module_name)
    public = getattr(module, "__all__", None)
    assert public, f"{module_name} declares no __all__"
    missing = [name for name in public if not hasattr(module, name)]
    assert not missing, f"{module_name}.__all__ names what it does not define: {missing}"


def imported_packages(tree: ast.Module) -> set[str]:
    """Top-level packages a parsed source imports."""
    found = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return found | {node.module.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}


def test_the_lesson_library_never_imports_the_tooling():
    for path in sorted((PROJECT_ROOT / LIBRARY).rglob("*.py")):
        assert TOOLING not in imported_packages(ast.parse(path.read_text())), f"{path.name} imports {TOOLING}"
    for lesson in lesson_names():
        assert TOOLING not in imported_packages(lesson_code(lesson)), f"{lesson} imports {TOOLING}"


def readme_module_map() -> set[str]:
    """The modules the README's module map names (rows that start with a `package.module`)."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("### Module map", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(rf"^\| `((?:{LIBRARY}|{TOOLING})\.[\w.]+)` \|", section, re.M))


def test_the_readme_module_map_matches_the_tree():
    """Every module is in the map (one row stands for the per-lesson exercise modules)."""
    on_disk = {re.sub(r"\.lesson\d\d$", ".lessonNN", m) for m in modules(LIBRARY) + modules(TOOLING)}
    listed = readme_module_map()
    assert not on_disk - listed, f"README's module map misses {sorted(on_disk - listed)}"
    assert not listed - on_disk, f"README's module map names modules that do not exist: {sorted(listed - on_disk)}"


def test_the_readme_layout_names_every_top_level_folder():
    readme = (PROJECT_ROOT / "README.md").read_text()
    layout = readme.split("### Layout", 1)[1].split("```")[1]
    listed = set(re.findall(r"^([\w.-]+)/", layout, re.M))
    tracked = {p.name for p in PROJECT_ROOT.iterdir()
               if p.is_dir() and not p.name.startswith(".") and p.name not in {"build", "slides", "test-artifacts"}
               and not p.name.endswith(".egg-info") and p.name != "__pycache__"}
    assert tracked - {"node_modules"} <= listed | {"vendor"}, f"README's layout misses {sorted(tracked - listed)}"
    assert listed <= tracked | {".ci"}, f"README's layout names folders that do not exist: {sorted(listed - tracked)}"
