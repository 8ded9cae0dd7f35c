"""`workshop slides`: every lesson as a static reveal.js deck that needs no network.

Each deck is exported from the lesson's *solution* notebook with its outputs (the instructor
presents the results), after nbgrader has stripped the solutions and the hidden tests. The
JavaScript a deck loads (reveal.js, require.js, jQuery and MathJax 2) comes from the npm
packages pinned in ``vendor/package-lock.json``, installed with ``npm ci`` into
``vendor/node_modules`` and copied next to the decks, so the output folder can be zipped,
moved or opened from a USB stick with the wifi off.

Example:
    >>> export_decks(out=Path("slides"))  # doctest: +SKIP
    [PosixPath('slides/01_monotonic_xgboost.slides.html')]
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbformat import NotebookNode

from workshop_tools.settings import CODE_STUB, TEXT_STUB
from workshop_utils.paths import PROJECT_ROOT, lesson_names, source_notebook

if TYPE_CHECKING:
    from nbconvert import SlidesExporter

VENDOR = PROJECT_ROOT / "vendor"
"""Folder with package.json and package-lock.json (and, after ``npm ci``, node_modules/)."""
ASSETS = "assets"
"""Sub-folder of the output folder holding the copied JavaScript and CSS."""
NPM_CI = ("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
INSTALL_NPM = "`sudo apt-get install -y npm` on Debian or Ubuntu, or Node.js 18 or newer with npm"

# What each deck needs from each package: everything else (sources, maps, other MathJax
# outputs and fonts, the accessibility explorer) stays behind.
DECK_FILES: dict[str, tuple[str, ...]] = {
    "reveal.js": ("LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/reset.css", "dist/theme",
                  "plugin/notes/notes.js"),
    "requirejs": ("require.js",),
    "jquery": ("LICENSE.txt", "dist/jquery.min.js"),
    "mathjax": ("LICENSE", "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js",
                "extensions", "jax/input/TeX", "jax/element", "jax/output/CommonHTML",
                "fonts/HTML-CSS/TeX/woff", "localization/en"),
}
SKIPPED_FILES = ("a11y", "*.map")
"""Left out of the folders in ``DECK_FILES`` when they are copied."""
DECK_SUFFIX = ".slides.html"
MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe"
REMOTE_IMPORT = re.compile(r"@import\s+url\(\s*['\"]?(https?:)?//", re.IGNORECASE)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDTH, HEIGHT = 1280, 720
"""The slide's size in CSS pixels: 16:9 like today's projectors and laptops, so a slide fills
the screen as RISE does in JupyterLab."""
CODE_FONT_PX = 16
"""Code size on a slide: a line of 120 characters fits a 1280 px slide (nbconvert's 19 px fits
about 100); a 1920x1080 projector shows it at 24 px."""

PLOT_HEIGHT_PX = 540
"""Tallest a plot may be drawn on a slide (scaled down, same shape), so a plot and the line of
code that drew it fit the 720 px slide together."""

# The deck's page: nbconvert's reveal template, less the parts that reach for a CDN no matter
# what (mermaid is an ES module, which browsers refuse to load from file://; the widget
# manager comes from unpkg), with code a little smaller and narrower prompts.
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block notebook_css %}
{{ super() }}
<style type="text/css">
:root { --jp-code-font-size: @CODE_FONT@px; --jp-cell-prompt-width: 64px; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { font-size: 14px; }
.reveal .jp-OutputArea-output img { max-height: @PLOT_HEIGHT@px; width: auto; }
</style>
{% endblock notebook_css %}
""".replace("@CODE_FONT@", str(CODE_FONT_PX)).replace("@PLOT_HEIGHT@", str(PLOT_HEIGHT_PX))


def locked_versions(vendor: Path = VENDOR) -> dict[str, str]:
    """The exact version of each package ``package-lock.json`` pins.

    >>> locked_versions()["reveal.js"]
    '5.2.1'
    """
    lock = json.loads((vendor / "package-lock.json").read_text())
    prefix = "node_modules/"
    return {name[len(prefix):]: entry["version"] for name, entry in lock["packages"].items()
            if name.startswith(prefix) and name.count(prefix) == 1}


def installed_versions(vendor: Path = VENDOR) -> dict[str, str]:
    """The version of each locked package found in ``node_modules`` (missing ones left out).

    >>> set(installed_versions(Path("/nowhere/at/all")))
    set()
    """
    found = {}
    for name in DECK_FILES:
        manifest = vendor / "node_modules" / name / "package.json"
        if manifest.is_file():
            found[name] = json.loads(manifest.read_text())["version"]
    return found


def deck_versions(vendor: Path = VENDOR) -> dict[str, str | None]:
    """The locked version of each package the decks use (None for one the lock lacks).

    >>> deck_versions()["jquery"]
    '3.7.1'
    """
    locked = locked_versions(vendor)
    return {name: locked.get(name) for name in DECK_FILES}


def vendor_matches_lock(vendor: Path = VENDOR) -> bool:
    """Whether ``node_modules`` holds every package the decks use, at its locked version."""
    return installed_versions(vendor) == deck_versions(vendor)


def ensure_vendor(vendor: Path = VENDOR) -> Path:
    """``vendor/node_modules`` with exactly the locked packages, running ``npm ci`` first when
    anything is missing or at another version. Needs npm (and the npm registry) only then.

    >>> ensure_vendor().name  # doctest: +SKIP
    'node_modules'
    """
    if not vendor_matches_lock(vendor):
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(f"the slides need reveal.js from npm, and npm is not installed: {INSTALL_NPM}")
        done = subprocess.run([npm, *NPM_CI[1:]], cwd=vendor, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(f"`npm ci` failed in {vendor}:\n{done.stdout}{done.stderr}")
        if not vendor_matches_lock(vendor):
            raise RuntimeError(f"`npm ci` did not install the locked versions {deck_versions(vendor)}")
    return vendor / "node_modules"


def copy_assets(out: Path, vendor: Path = VENDOR) -> Path:
    """Copy what the decks load into ``out/assets`` (skipped when that copy is already of the
    locked versions); return that folder."""
    modules = ensure_vendor(vendor)
    target = out / ASSETS
    stamp = target / "versions.json"
    versions = deck_versions(vendor)
    if stamp.is_file() and json.loads(stamp.read_text()) == versions:
        return target
    if target.exists():
        shutil.rmtree(target)
    for name, parts in DECK_FILES.items():
        for part in parts:
            source, destination = modules / name / part, target / name / part
            destination.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, destination, ignore=shutil.ignore_patterns(*SKIPPED_FILES))
            else:
                shutil.copy2(source, destination)
    stamp.write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n")
    return target


def offline_themes(assets: Path) -> list[str]:
    """reveal.js themes in ``assets`` whose CSS loads nothing from the internet (some fetch
    Google fonts)."""
    themes = sorted((assets / "reveal.js" / "dist" / "theme").glob("*.css"))
    return [css.stem for css in themes if not REMOTE_IMPORT.search(css.read_text())]


def rise_settings(nb: NotebookNode) -> dict[str, object]:
    """The deck settings from the notebook's RISE metadata, with defaults that suit a projector.

    >>> nb = nbformat.v4.new_notebook(metadata={"rise": {"theme": "black", "scroll": True}})
    >>> rise_settings(nb)
    {'theme': 'black', 'transition': 'none', 'scroll': True, 'width': '1280', 'height': '720'}
    """
    rise = nb.metadata.get("rise", {})
    return {"theme": str(rise.get("theme", "white")), "transition": str(rise.get("transition", "none")),
            "scroll": bool(rise.get("scroll", True)), "width": pixels(rise.get("width"), WIDTH),
            "height": pixels(rise.get("height"), HEIGHT)}


def pixels(value: object, default: int) -> str:
    """A slide dimension for reveal.js: whole pixels, else ``default`` (RISE also takes values
    such as '100%', which a static deck cannot use).

    >>> pixels(1024, 1280), pixels("768", 720), pixels("100%", 1280), pixels(None, 720)
    ('1024', '768', '1280', '720')
    """
    text = str(value).strip()
    return text if text.isdigit() and int(text) > 0 else str(default)


def slide_type(cell: NotebookNode) -> str:
    """A cell's RISE slide type ('-' when it has none).

    >>> slide_type(nbformat.v4.new_markdown_cell("# Hi", metadata={"slideshow": {"slide_type": "slide"}}))
    'slide'
    """
    return str(cell.metadata.get("slideshow", {}).get("slide_type", "-") or "-")


def expected_slides(nb: NotebookNode) -> tuple[int, int]:
    """How many horizontal slides, and how many slides in all (horizontal and vertical), the
    notebook's slide metadata gives. The first cell that is shown opens the first slide,
    whatever its type; after it each 'slide' cell opens a horizontal slide and each 'subslide'
    cell a vertical one; fragments, '-' and notes stay on the slide they are in; skip cells are
    dropped.

    >>> kinds = ["notes", "-", "subslide", "fragment", "slide", "skip", "subslide", "notes"]
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("x", metadata={"slideshow": {"slide_type": kind}})
    ...     for kind in kinds])
    >>> expected_slides(nb)
    (2, 4)
    """
    shown = [slide_type(cell) for cell in nb.cells if slide_type(cell) not in {"skip"}]
    first = next((i for i, kind in enumerate(shown) if kind != "notes"), None)
    if first is None:
        return 0, 0
    later = shown[first + 1:]
    horizontal = 1 + later.count("slide")
    return horizontal, horizontal + later.count("subslide")


def strip_for_slides(nb: NotebookNode) -> NotebookNode:
    """A copy of a solution notebook fit to show a class: solutions replaced by the stubs
    learners see (and the outputs of solution cells cleared), hidden tests and mark schemes
    removed, progress widgets shown as their text. Every other output stays.

    >>> cell = nbformat.v4.new_code_cell(
    ...     "def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION",
    ...     metadata={"nbgrader": {"solution": True, "grade": False, "locked": False,
    ...                            "grade_id": "f", "schema_version": 3}})
    >>> print(strip_for_slides(nbformat.v4.new_notebook(cells=[cell])).cells[0].source)
    def f():
        # YOUR CODE HERE
        pass
    """
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions

    nb = copy.deepcopy(nb)
    resources: dict = {}
    clear = ClearSolutions(code_stub={"python": CODE_STUB}, text_stub=TEXT_STUB)
    for step in (clear, ClearHiddenTests(), ClearMarkScheme()):
        nb, resources = step.preprocess(nb, resources)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.metadata.get("nbgrader", {}).get("solution", False):
            cell.outputs, cell.execution_count = [], None
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and len(data) > 1:
                del data[WIDGET_VIEW]
    nb.metadata.pop("widgets", None)
    return nb


def deck_exporter(settings: dict[str, object], assets: str = ASSETS) -> SlidesExporter:
    """nbconvert's SlidesExporter with every script and style sheet taken from ``assets``
    (a path relative to the deck)."""
    from nbconvert import SlidesExporter

    slides = SlidesExporter(raw_template=TEMPLATE)
    slides.reveal_url_prefix = f"{assets}/reveal.js"
    slides.require_js_url = f"{assets}/requirejs/require.js"
    slides.jquery_url = f"{assets}/jquery/dist/jquery.min.js"
    slides.mathjax_url = f"{assets}/mathjax/MathJax.js?config={MATHJAX_CONFIG}"
    slides.reveal_theme = str(settings["theme"])
    slides.reveal_transition = str(settings["transition"])
    slides.reveal_scroll = bool(settings["scroll"])
    slides.reveal_width = str(settings["width"])
    slides.reveal_height = str(settings["height"])
    slides.exclude_anchor_links = True
    return slides


def deck_path(out: Path, lesson: str) -> Path:
    """The deck of ``lesson`` in the output folder.

    >>> deck_path(Path("slides"), "01_monotonic_xgboost").as_posix()
    'slides/01_monotonic_xgboost.slides.html'
    """
    return Path(out) / f"{lesson}{DECK_SUFFIX}"


def export_deck(notebook: Path, out: Path, assets: Path | None = None) -> Path:
    """Write ``out/<name>.slides.html`` for one solution notebook (assets must already be in
    ``out/assets``, see :func:`copy_assets`); return its path."""
    assets = assets or out / ASSETS
    nb = strip_for_slides(nbformat.read(notebook, as_version=4))
    settings = rise_settings(nb)
    themes = offline_themes(assets)
    if settings["theme"] not in themes:
        warnings.warn(f"{notebook.name}: reveal.js theme {settings['theme']!r} loads fonts from the "
                      f"internet or does not exist; using 'white' (offline themes: {', '.join(themes)})",
                      stacklevel=2)
        settings["theme"] = "white"
    html, _ = deck_exporter(settings).from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    deck = deck_path(out, notebook.stem)
    deck.write_text(html, encoding="utf-8")
    return deck


def export_decks(lessons: Iterable[str] | None = None, out: Path | None = None,
                 root: Path = PROJECT_ROOT) -> list[Path]:
    """Export each lesson (default: all) from ``root/solutions`` as a deck in ``out`` (default
    ``root/slides``), with the shared assets beside them; return the decks' paths."""
    lessons = list(lessons or lesson_names(root))
    unknown = sorted(set(lessons) - set(lesson_names(root)))
    if unknown:
        raise ValueError(f"no such lesson: {', '.join(unknown)} (lessons: {', '.join(lesson_names(root))})")
    out = Path(out) if out is not None else root / "slides"
    out.mkdir(parents=True, exist_ok=True)
    assets = copy_assets(out)
    return [export_deck(source_notebook(name, root), out, assets) for name in lessons]
