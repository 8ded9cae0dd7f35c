"""The exported reveal.js decks (`workshop slides`), opened in headless Chromium with the
network cut off: they load only local files, reveal.js starts without a JavaScript error, the
number of slides is what the notebook's slide metadata says, every slide shows something, no
code block is wider than its slide at 1280x720, every plot, table and printed output fits it,
solutions and hidden tests are gone while the outputs stay. Screenshots of each deck's first slide and of its first slide with a plot go to
test-artifacts/slides/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from browser import browser, npm, watch
from chosen_lessons import lessons_under_test

from workshop_tools import slides
from workshop_tools.settings import CODE_STUB
from workshop_utils.paths import PROJECT_ROOT, source_notebook

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "slides"
LESSONS = lessons_under_test()
TOLERANCE_PX = 2
REVEAL = f"require('{slides.ASSETS}/reveal.js/dist/reveal.js')"

# Visit every slide (every vertical slide of every horizontal one) and measure what is on it.
SURVEY = """() => {
  const R = REVEAL_MODULE;
  const seen = [];
  R.getHorizontalSlides().forEach((stack, h) => {
    const inner = Array.from(stack.querySelectorAll(':scope > section'));
    (inner.length ? inner : [stack]).forEach((_, v) => {
      R.slide(h, v);
      const slide = R.getCurrentSlide();
      const box = slide.getBoundingClientRect();
      const code = Array.from(slide.querySelectorAll('.jp-InputArea pre')).map(pre => ({
        cell: (pre.closest('.jp-Cell') || {id: ''}).id.replace('cell-id=', ''),
        scroll: pre.scrollWidth, client: pre.clientWidth,
        right: pre.getBoundingClientRect().right,
        longest: Math.max(...pre.textContent.split('\\n').map(line => line.length)),
      }));
      seen.push({h, v, present: slide.classList.contains('present'), width: box.width,
                 height: box.height, text: slide.innerText.trim().length,
                 images: slide.querySelectorAll('img').length,
                 plots: slide.querySelectorAll('.jp-OutputArea-output img').length,
                 plotHeights: Array.from(slide.querySelectorAll('.jp-OutputArea-output img')).map(i => i.getBoundingClientRect().height),
                 plotRights: Array.from(slide.querySelectorAll('.jp-OutputArea-output img')).map(i => i.getBoundingClientRect().right),
                 broken: Array.from(slide.querySelectorAll('img')).filter(i => !(i.complete && i.naturalWidth)).length,
                 tables: Array.from(slide.querySelectorAll('.jp-OutputArea-output table, .jp-OutputArea-output pre')).map(t => {
                   const area = t.closest('.jp-OutputArea-output'), box = t.getBoundingClientRect();
                   return {kind: t.tagName.toLowerCase(), width: box.width, height: box.height, right: box.right,
                           scroll: Math.max(area.scrollWidth, t.scrollWidth), client: area.clientWidth,
                           cell: (t.closest('.jp-Cell') || {id: ''}).id.replace('cell-id=', '')};
                 }),
                 code});
    });
  });
  R.slide(0, 0);
  return seen;
}""".replace("REVEAL_MODULE", REVEAL)


@dataclass
class Deck:
    """What the browser saw of one deck."""

    lesson: str
    notebook: nbformat.NotebookNode  # the solution notebook as the deck was made from it
    html: str
    slides: list[dict]
    ready: bool
    totals: tuple[int, int]  # reveal.js's own count: horizontal slides, all slides
    text: str  # the page's text, as a reader sees it
    problems: list[str]
    blocked: list[str]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lessons' decks and their assets, exported once for this module."""
    if not slides.vendor_matches_lock():
        npm()  # installs npm (apt-get) on a fresh CI machine, or skips with the command to run
    folder = tmp_path_factory.mktemp("slides")
    slides.export_decks(LESSONS, folder)
    return folder


@pytest.fixture(scope="module")
def context():
    with browser() as ctx:
        yield ctx


def open_deck(context, deck: Path):
    """A page showing ``deck`` once reveal.js is ready, and its problems so far."""
    page = context.new_page()
    problems = watch(page)
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=60_000)
    page.wait_for_function(f"{REVEAL}.isReady()", timeout=10_000)
    return page, problems


def show_all_fragments(page, h: int, v: int) -> None:
    page.evaluate(f"() => {{ const R = {REVEAL}; R.slide({h}, {v}); while (R.nextFragment()) {{}} }}")
    page.wait_for_timeout(300)


@pytest.fixture(scope="module")
def decks(out: Path, context) -> dict[str, Deck]:
    """Every deck opened once, surveyed, and photographed."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    seen = {}
    for lesson in LESSONS:
        path = slides.deck_path(out, lesson)
        page, problems = open_deck(context, path)
        survey = page.evaluate(SURVEY)
        totals = tuple(page.evaluate(f"() => [{REVEAL}.getHorizontalSlides().length, {REVEAL}.getTotalSlides()]"))
        text = page.evaluate("document.body.textContent")
        page.screenshot(path=str(ARTIFACTS / f"{lesson}-first.png"))
        plotted = next((s for s in survey if s["plots"]), None)
        if plotted:
            show_all_fragments(page, plotted["h"], plotted["v"])
            page.screenshot(path=str(ARTIFACTS / f"{lesson}-plot.png"))
        ready = page.evaluate(f"{REVEAL}.isReady()")
        page.close()
        notebook = slides.strip_for_slides(nbformat.read(source_notebook(lesson), 4))
        seen[lesson] = Deck(lesson, notebook, path.read_text(), survey, ready, totals, text,
                            problems, list(context.blocked))
        context.blocked.clear()
    return seen


@pytest.mark.parametrize("lesson", LESSONS)
def test_deck_loads_offline_without_errors(decks: dict[str, Deck], lesson: str) -> None:
    deck = decks[lesson]
    assert deck.ready, "reveal.js did not initialise"
    assert not deck.blocked, f"the deck reached for the network: {deck.blocked}"
    assert not deck.problems, "\n".join(deck.problems)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", deck.html), "a script or style sheet URL is remote"


@pytest.mark.parametrize("lesson", LESSONS)
def test_slide_count_matches_metadata(decks: dict[str, Deck], lesson: str) -> None:
    deck = decks[lesson]
    assert deck.totals == slides.expected_slides(deck.notebook)
    assert len(deck.slides) == deck.totals[1]
    notes = sum(slides.slide_type(cell) == "notes" for cell in deck.notebook.cells)
    assert deck.html.count('<aside class="notes">') == notes, "speaker notes went missing"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_slide_renders(decks: dict[str, Deck], lesson: str) -> None:
    deck = decks[lesson]
    blank = [f"{s['h']}.{s['v']}" for s in deck.slides
             if not (s["present"] and s["width"] > 0 and s["height"] > 0 and (s["text"] or s["images"]))]
    assert not blank, f"{lesson}: slides shown empty (horizontal.vertical, from 0): {blank}"
    broken = [f"{s['h']}.{s['v']}" for s in deck.slides if s["broken"]]
    assert not broken, f"{lesson}: pictures that did not load on slides {broken}"
    first, plot = ARTIFACTS / f"{lesson}-first.png", ARTIFACTS / f"{lesson}-plot.png"
    assert first.stat().st_size > 5_000
    if any(s["plots"] for s in deck.slides):
        assert plot.stat().st_size > first.stat().st_size // 2


@pytest.mark.parametrize("lesson", LESSONS)
def test_no_code_overflows_its_slide(decks: dict[str, Deck], lesson: str) -> None:
    deck = decks[lesson]
    index = {cell.get("id"): number for number, cell in enumerate(deck.notebook.cells)}
    too_wide = []
    for s in deck.slides:
        for block in s["code"]:
            if block["scroll"] > block["client"] + TOLERANCE_PX or block["right"] > 1280 + TOLERANCE_PX:
                number = index.get(block["cell"], "?")
                source = deck.notebook.cells[number].source if number != "?" else ""
                longest = max(source.splitlines() or [""], key=len)
                too_wide.append(f"{lesson} cell {number} (slide {s['h']}.{s['v']}): its longest line has "
                                f"{block['longest']} characters and needs {block['scroll']} px of "
                                f"{block['client']}: {longest.strip()[:60]!r}")
    assert not too_wide, "code wider than the slide (about 120 characters fit):\n" + "\n".join(too_wide)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_plot_fits_its_slide(decks: dict[str, Deck], lesson: str) -> None:
    tall = [f"slide {s['h']}.{s['v']}: {height:.0f} px" for s in decks[lesson].slides
            for height in s["plotHeights"] if height > slides.PLOT_HEIGHT_PX + TOLERANCE_PX]
    assert not tall, f"{lesson}: plots taller than {slides.PLOT_HEIGHT_PX} px: {tall}"
    wide = [f"slide {s['h']}.{s['v']}: right edge at {right:.0f} px" for s in decks[lesson].slides
            for right in s["plotRights"] if right > slides.WIDTH + TOLERANCE_PX]
    assert not wide, f"{lesson}: plots past the {slides.WIDTH} px slide's edge: {wide}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_table_and_printed_output_fits_its_slide(decks: dict[str, Deck], lesson: str) -> None:
    """Tables and printed outputs need no sideways scrolling and are no taller than a plot may be."""
    deck = decks[lesson]
    index = {cell.get("id"): number for number, cell in enumerate(deck.notebook.cells)}
    too_big = [f"cell {index.get(t['cell'], '?')} (slide {s['h']}.{s['v']}): a {t['kind']} of "
               f"{t['width']:.0f} x {t['height']:.0f} px" for s in deck.slides for t in s["tables"]
               if t["scroll"] > t["client"] + TOLERANCE_PX or t["right"] > slides.WIDTH + TOLERANCE_PX
               or t["height"] > slides.PLOT_HEIGHT_PX + TOLERANCE_PX]
    assert not too_big, (f"{lesson}: outputs wider than the {slides.WIDTH} px slide or taller than "
                         f"{slides.PLOT_HEIGHT_PX} px:\n" + "\n".join(too_big))


@pytest.mark.parametrize("lesson", LESSONS)
def test_solutions_and_hidden_tests_stripped_outputs_kept(decks: dict[str, Deck], lesson: str) -> None:
    deck = decks[lesson]
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME"):
        assert marker not in deck.text
    source = nbformat.read(source_notebook(lesson), 4)
    visible = "\n".join(cell.source for cell in deck.notebook.cells)  # a visible test may repeat a line
    for cell in source.cells:
        hidden = re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)
        for line in "\n".join(hidden).splitlines():
            if len(line.strip()) > 20 and line.strip() not in visible:
                assert line.strip() not in deck.text, f"a hidden test is on a slide: {line.strip()}"
    solutions = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    assert deck.text.count(CODE_STUB.splitlines()[0]) >= len(solutions)
    pictures = sum("image/png" in o.get("data", {}) for c in deck.notebook.cells for o in c.get("outputs", []))
    assert sum(s["plots"] for s in deck.slides) == pictures > 0


class _Sections(HTMLParser):
    """Counts <section> elements and how deeply they nest."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.outer, self.inner = 0, 0, 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "section":
            self.outer += self.depth == 0
            self.inner += self.depth == 1
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.depth -= 1


@pytest.mark.parametrize("kinds", [
    ["slide", "-", "subslide", "fragment", "fragment", "notes", "slide", "skip", "subslide"],
    ["notes", "skip", "-", "fragment", "subslide", "subslide", "slide", "notes", "skip"],
    ["skip", "subslide", "slide", "slide", "-", "subslide", "fragment", "slide"],
])
def test_slide_rule_agrees_with_nbconvert(kinds: list[str]) -> None:
    """The counting rule, checked against the sections nbconvert writes for odd notebooks."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"cell {i} ({kind})", metadata={"slideshow": {"slide_type": kind}})
        for i, kind in enumerate(kinds)])
    html, _ = slides.deck_exporter(slides.rise_settings(nb)).from_notebook_node(nb)
    sections = _Sections()
    sections.feed(html)
    assert (sections.outer, sections.inner) == slides.expected_slides(nb)


def test_workshop_slides_names_an_unknown_lesson_and_writes_nothing(tmp_path: Path, capsys) -> None:
    """`workshop slides --lesson` with a typo: exit 2, the lessons listed, no folder made."""
    from workshop_tools.cli import main

    out = tmp_path / "decks"
    assert main(["slides", "--lesson", "09_nope", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "no such lesson: 09_nope" in error and "01_monotonic_xgboost" in error
    assert not out.exists()
