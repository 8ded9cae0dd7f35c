"""JupyterLab as a learner meets it: the server is started with the exact command and learner
settings of `make lab` (read from the Makefile), on a copy of the released lesson 1 so nothing in
notebooks/ is ever written, and headless Chromium (internet blocked) opens the lesson with the
token: no news prompt, no nbgrader instructor panels; its first code cells run with Shift+Enter
and show the outputs the solution notebook recorded; Run All runs the fresh notebook to its last
cell, each exercise's check saying it is not answered yet; a wrong answer gets the check's
diagnosis, a hint comes on request, and the progress table shows both. The server must refuse
every request that lacks the token. At the end the server is shut down and no server or kernel
process may be left behind.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from browser import Lab, browser, free_port, status, stop_server, wait_for_server, watch

from workshop_utils.paths import PROJECT_ROOT

ROOT = PROJECT_ROOT
LESSON = "01_monotonic_xgboost"
RUN_CODE_CELLS = 3  # imports, the data preview table, the split sizes
ARTIFACTS = ROOT / "test-artifacts" / "lab"
START_TIMEOUT_S = 120
RUN_TIMEOUT_MS = 240_000
QUIET_SETTINGS = {  # no autosave (the news prompt is left to the learner settings under test)
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
INSTRUCTOR_WORDS = ("Nbgrader", "Formgrader", "Create Assignment", "Course List", "Assignment List")


def make_lab_command(port: int) -> list[str]:
    """The `lab` recipe of the Makefile, with this venv's bin/ and ``port`` filled in."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^lab:.*\n\t(.+)$", makefile, re.M)
    assert recipe, "the Makefile has no `lab` target"
    line = recipe.group(1).replace("$(BIN)", str(Path(sys.executable).parent)).replace("$(PORT)", str(port))
    line = re.sub(r"\$\(if [^\n]*?--allow-root\)", "", line)  # a root-only switch, added below
    assert "$(" not in line, f"unexpected make variable in the lab recipe: {line}"
    argv = line.split()
    if os.geteuid() == 0 and "--allow-root" not in argv:
        argv.append("--allow-root")  # CI runs as root; a learner does not
    return argv


def make_lab_environment() -> dict[str, str]:
    """The variables the Makefile exports for `make lab` (``lab: export NAME := value``)."""
    makefile = (ROOT / "Makefile").read_text()
    found = re.findall(r"^lab: export (\w+) :?= (.+)$", makefile, re.M)
    assert found, "the Makefile's lab target sets no learner settings"
    return {name: value.strip().replace("$(CURDIR)", str(ROOT)) for name, value in found}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """`make lab` on a copy of the released lesson, with a known token; stopped afterwards."""
    released = ROOT / "notebooks" / LESSON / f"{LESSON}.ipynb"
    if not released.exists():
        pytest.skip(f"{released} is missing: run `make release`")
    course = tmp_path_factory.mktemp("lab")
    shutil.copytree(released.parent, course / "notebooks" / LESSON)
    for name, values in QUIET_SETTINGS.items():
        (course / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (course / "settings" / name).write_text(json.dumps(values))
    token = secrets.token_hex(24)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(JUPYTER_TOKEN=token, JUPYTER_CONFIG_DIR=str(course / "config"),
               JUPYTER_RUNTIME_DIR=str(course / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(course / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(course / "workspaces"), WORKSHOP_PROGRESS_FILE=str(course / "progress.jsonl"),
               **make_lab_environment())
    port = free_port()
    log = course / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(make_lab_command(port), cwd=course, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = wait_for_server(Lab(f"http://127.0.0.1:{port}", token, proc, log), START_TIMEOUT_S)
    yield server
    left = stop_server(server)
    assert not left, f"processes outlived the server and were killed: {left}"


def test_server_refuses_requests_without_the_token(lab: Lab) -> None:
    assert status(f"{lab.base}/api/contents")[0] == 403
    assert status(f"{lab.base}/api/contents", token="not-the-token")[0] == 403
    assert status(f"{lab.base}/api/kernels")[0] == 403
    code, where = status(f"{lab.base}/lab")
    assert code == 403 or (code == 302 and "/login" in where), (code, where)
    code, where = status(f"{lab.base}/lab/tree/{LESSON}/{LESSON}.ipynb")
    assert code == 403 or (code == 302 and "/login" in where), (code, where)
    assert status(f"{lab.base}/api/contents/{LESSON}", token=lab.token)[0] == 200


def test_browser_without_the_token_gets_the_login_page(lab: Lab) -> None:
    with browser() as context:
        page = context.new_page()
        page.goto(f"{lab.base}/lab/tree/{LESSON}/{LESSON}.ipynb")
        assert "/login" in page.url
        assert page.locator("input[type=password]").count() >= 1  # the token (and a new password)
        assert page.locator(".jp-Notebook").count() == 0


class _TableHeader(HTMLParser):
    """The column names of the first table in some HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self._in = False
        self._rows = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._rows += tag == "tr"
        self._in = tag == "th" and self._rows == 1

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.names.append(data.strip())


def expected_outputs(cells: list[nbformat.NotebookNode]) -> dict[int, dict[str, list[str]]]:
    """For each cell, what its solution outputs show: printed lines and table columns."""
    expected: dict[int, dict[str, list[str]]] = {}
    for index, cell in enumerate(cells):
        lines, columns = [], []
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stdout":
                lines += [line.strip() for line in output.text.splitlines() if line.strip()]
            html = output.get("data", {}).get("text/html", "")
            if "<table" in html:
                header = _TableHeader()
                header.feed(html)
                columns += header.names
        if lines or columns:
            expected[index] = {"lines": lines, "columns": columns}
    return expected


def test_lesson_opens_and_its_first_cells_run(lab: Lab) -> None:
    released = nbformat.read(ROOT / "notebooks" / LESSON / f"{LESSON}.ipynb", 4)
    solution = nbformat.read(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb", 4)
    code = [i for i, cell in enumerate(released.cells) if cell.cell_type == "code"][:RUN_CODE_CELLS]
    last = code[-1]
    expected = {i: e for i, e in expected_outputs(solution.cells[: last + 1]).items() if i in code}
    assert any(e["lines"] for e in expected.values()) and any(e["columns"] for e in expected.values()), \
        "the solution's first cells should print something and show a table"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with browser() as context:
        page, problems, cells = open_lesson(context, lab, len(released.cells))
        cells.first.click()
        for _ in range(last + 1):  # Shift+Enter: run this cell, move to the next
            page.keyboard.press("Shift+Enter")
        for index, shown in expected.items():
            outputs = cells.nth(index).locator(".jp-OutputArea-output")
            for line in shown["lines"]:
                outputs.get_by_text(line, exact=False).first.wait_for(timeout=RUN_TIMEOUT_MS)
            if shown["columns"]:
                table = outputs.locator("table").first
                table.wait_for(timeout=RUN_TIMEOUT_MS)
                header = table.locator("thead").inner_text()
                missing = [name for name in shown["columns"] if name not in header]
                assert not missing, f"cell {index}: table lacks columns {missing}"
        page.wait_for_function("document.querySelector('.jp-Notebook-ExecutionIndicator')"
                               "?.getAttribute('data-status') === 'idle'", timeout=RUN_TIMEOUT_MS)
        for index in code:
            prompt = cells.nth(index).locator(".jp-InputPrompt").inner_text()
            assert re.search(r"\[\d+\]", prompt), f"cell {index} did not run (prompt {prompt!r})"
            text = cells.nth(index).locator(".jp-OutputArea").inner_text() if cells.nth(index).locator(
                ".jp-OutputArea").count() else ""
            assert "Traceback" not in text and not re.search(r"\b\w+Error\b:", text), f"cell {index} failed:\n{text}"
        cells.nth(last).scroll_into_view_if_needed()
        finish(context, page, problems, f"{LESSON}.png")


def open_lesson(context, lab: Lab, cell_count: int):
    """Open the lesson as a learner (the token in the link), wait until its kernel is idle and all
    ``cell_count`` cells are there; return the page, what the page reported, and its cells."""
    page = context.new_page()
    problems = watch(page)
    page.goto(f"{lab.base}/lab/tree/{LESSON}/{LESSON}.ipynb?token={lab.token}")
    page.wait_for_function(
        """() => (document.querySelector('.jp-NotebookPanel .jp-KernelName') || {}).innerText?.startsWith('Python')""",
        timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    page.wait_for_function("n => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length === n",
                           arg=cell_count, timeout=RUN_TIMEOUT_MS)  # cells render in batches
    return page, problems, page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")


def finish(context, page, problems: list[str], picture: str) -> None:
    """Keep a screenshot; fail if the page reached for the network or raised a JavaScript error."""
    page.screenshot(path=str(ARTIFACTS / picture))
    assert not context.blocked, f"JupyterLab reached for the network: {context.blocked}"
    errors = [p for p in problems if p.startswith("JS error")]
    assert not errors, "\n".join(errors)


def wait_idle(page) -> None:
    """Until the notebook's kernel is idle again."""
    page.wait_for_function("document.querySelector('.jp-Notebook-ExecutionIndicator')"
                           "?.getAttribute('data-status') === 'idle'", timeout=RUN_TIMEOUT_MS)


def run_in_new_cell(page, cells, after: int, code: str) -> str:
    """Add a code cell below cell ``after``, type ``code`` into it, run it; return its output text."""
    cells.nth(after).click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below, selected
    page.keyboard.press("Enter")
    page.keyboard.type(code)
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
    output = cells.nth(after + 1).locator(".jp-OutputArea-output")
    output.first.wait_for(timeout=RUN_TIMEOUT_MS)
    return cells.nth(after + 1).locator(".jp-OutputArea").text_content()


def test_a_learner_runs_the_fresh_lesson_checks_a_wrong_answer_asks_for_a_hint_and_sees_progress(lab: Lab) -> None:
    released = nbformat.read(ROOT / "notebooks" / LESSON / f"{LESSON}.ipynb", 4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in released.cells]
    answer, check = ids.index("ex1_constraints"), ids.index("ex1_constraints_test")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with browser() as context:
        page, problems, cells = open_lesson(context, lab, len(released.cells))

        # The learner's JupyterLab: the course, not the tools.
        page.wait_for_timeout(3000)  # a news prompt, when there is one, shows within a second or two
        shown = page.locator("body").inner_text()
        assert "jupyter news" not in shown.lower(), "the Jupyter news prompt is shown"
        for word in INSTRUCTOR_WORDS:
            assert word not in shown, f"an nbgrader instructor panel or menu is shown: {word}"

        # Run All on the fresh notebook: it runs to its last cell, and the checks report instead of halting.
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        last = len(released.cells) - 1 - [c.cell_type for c in reversed(released.cells)].index("code")
        page.wait_for_function(
            "n => /\\[\\d+\\]/.test(document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')[n]"
            "?.querySelector('.jp-InputPrompt')?.innerText || '')", arg=last, timeout=RUN_TIMEOUT_MS)
        wait_idle(page)
        text = page.locator(".jp-NotebookPanel .jp-Notebook").text_content()  # off-screen cells too
        assert "Traceback" not in text, "a cell failed during Run All"
        assert "✗ Constraints from correlations" in cells.nth(check).text_content()

        # A wrong answer: every sign reversed. The check names the case and the likely mistake.
        editor = cells.nth(answer).locator(".jp-InputArea-editor .cm-content")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.type("def constraints_by_hand(frame, inputs, target):\n"
                           "return {name: -int(np.sign(frame[name].corr(frame[target]))) for name in inputs}")
        page.keyboard.press("Shift+Enter")
        page.keyboard.press("Shift+Enter")  # the check below it
        wait_idle(page)
        verdict = cells.nth(check).locator(".jp-OutputArea").text_content()
        assert "✗ Constraints from correlations" in verdict and "signs are reversed" in verdict, verdict

        hint = run_in_new_cell(page, cells, check, "ex.constraints.hint()")
        assert "Hint 1 of 2" in hint, hint
        table = run_in_new_cell(page, cells, check + 1, "progress()")
        assert "✗ Constraints from correlations" in table and "Done: 0 of" in table, table
        finish(context, page, problems, f"{LESSON}-learner.png")
