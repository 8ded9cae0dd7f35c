"""`workshop formgrade` as the instructor meets it: the formgrader's JupyterLab started on a small
graded class (the exact command `workshop formgrade` runs, on 127.0.0.1 with a token), headless
Chromium (internet blocked) opens the link, goes to the lesson's manual grading list, opens the
first submission and finds the student's written answer ready to grade, the rubric under it and a
box for the points. nbgrader's JupyterLab panels are on here (they are off for learners). At the
end the server is stopped and no process is left behind."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from browser import Lab, browser, free_port, stop_server, wait_for_server, watch
from tiny_class import ANSWERS, LESSON, graded_class

from workshop_tools.class_gradebook.formgrade import formgrader_url, start_formgrader
from workshop_tools.class_gradebook.rubric import TITLE
from workshop_utils.paths import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "formgrade"
TIMEOUT_MS = 60_000
MATHJAX_CDN = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"
"""nbgrader's formgrade page loads MathJax 2 from here (nbconvert's default) and its script then
expects it; offline, formulas show as TeX source and the page's MathJax hook fails, the rest works."""


@pytest.fixture(scope="module")
def formgrader(tmp_path_factory):
    graded = graded_class(tmp_path_factory.mktemp("class"))
    port = free_port()
    log = graded.out / "formgrade.log"
    process, token = start_formgrader(graded.out, port, log=log)
    server = wait_for_server(Lab(f"http://127.0.0.1:{port}", token, process, log), 120)
    yield server
    left = stop_server(server)
    assert not left, f"processes outlived the server and were killed: {left}"


def test_nbgrader_panels_are_on_for_the_instructor(formgrader: Lab) -> None:
    request = urllib.request.Request(f"{formgrader.base}/lab", headers={"Authorization": f"token {formgrader.token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        page = answer.read().decode()
    config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert "@jupyter/nbgrader" not in json.dumps(config.get("disabledExtensions", {}))


def test_a_written_answer_is_ready_to_grade_next_to_its_rubric(formgrader: Lab) -> None:
    port = int(formgrader.base.rsplit(":", 1)[1])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with browser() as context:
        page = context.new_page()
        problems = watch(page)
        page.goto(formgrader_url(port, formgrader.token))  # the link `workshop formgrade` prints
        page.goto(f"{formgrader.base}/formgrader/gradebook/{LESSON}/{LESSON}")
        links = page.locator("a", has_text="Submission #")
        links.first.wait_for(timeout=TIMEOUT_MS)
        assert links.count() == 2, "ann's and bob's notebooks (cara submitted none)"
        links.first.click()
        shown = [answer.replace("`", "") for answer in ANSWERS.values()]  # markdown: `x` shows as code
        answers = page.get_by_text(shown[0]).or_(page.get_by_text(shown[1]))
        answers.first.wait_for(timeout=TIMEOUT_MS)
        assert page.get_by_text(TITLE).count() == 1
        assert page.get_by_text("1 point: names the input", exact=False).count() == 1
        assert page.locator("input.score").count() >= 2, "a score box for the code test and the written answer"
        page.screenshot(path=str(ARTIFACTS / "manual-grading.png"), full_page=True)
        others = [url for url in context.blocked if not url.startswith(MATHJAX_CDN)]
        assert not others, f"the formgrader reached for the network: {others}"
        errors = [p for p in problems if p.startswith("JS error") and "MathJax" not in p]
        assert not errors, errors
