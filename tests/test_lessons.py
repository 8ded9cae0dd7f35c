"""Every lesson follows the course's conventions, and notebooks/ is what `workshop release`
makes from solutions/ (regenerating changes nothing)."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from chosen_lessons import lessons_under_test

from benchmarks.lessons import budget_seconds
from workshop_tools.release import release_lessons
from workshop_utils.paths import NOTEBOOKS, PROJECT_ROOT, lesson_names, released_notebook, source_notebook

LESSONS = lessons_under_test()
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


def solution(lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(source_notebook(lesson), as_version=4)


def released(lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(released_notebook(lesson), as_version=4)


def nbgrader(cell: nbformat.NotebookNode) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_lessons_exist():
    assert lesson_names()[0] == "01_monotonic_xgboost" and LESSONS


def test_released_notebooks_are_in_sync(tmp_path):
    fresh = release_lessons(destination=tmp_path, lessons=LESSONS)
    committed = sorted(p.name for p in (PROJECT_ROOT / NOTEBOOKS).iterdir() if p.is_dir())
    assert committed == lesson_names(), "notebooks/ has a lesson solutions/ does not (or the reverse)"
    for path in fresh:
        lesson = path.parent.name
        assert json.loads(path.read_text()) == json.loads(released_notebook(lesson).read_text()), \
            f"{lesson}: notebooks/ is stale; run `workshop release` and commit"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_cell_has_slide_metadata(lesson):
    for notebook in (solution(lesson), released(lesson)):
        types = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells]
        assert all(t in SLIDE_TYPES for t in types), types
        assert types[0] == "slide"


@pytest.mark.parametrize("lesson", LESSONS)
def test_exercises_follow_the_grading_contract(lesson):
    """3 to 6 exercises (code and written) plus 2 to 3 concept questions; every autograded test
    cell calls its exercise's check (what the learner sees) and, in hidden tests, its grade."""
    cells = solution(lesson).cells
    solutions = [c for c in cells if nbgrader(c).get("solution") and c.cell_type == "code"]
    concept = [c for c in solutions if nbgrader(c)["grade_id"].startswith("q")]
    tests = [c for c in cells if nbgrader(c).get("grade") and c.cell_type == "code"]
    written = [c for c in cells if nbgrader(c).get("grade") and c.cell_type == "markdown"]
    assert 3 <= len(solutions) - len(concept) + len(written) <= 6, "3 to 6 exercises per lesson"
    assert 2 <= len(concept) <= 3, "2 to 3 concept questions per lesson"
    assert written, "at least one written question graded by hand"
    assert len(tests) == len(solutions), "one autograded test cell per code exercise and concept question"
    for cell in solutions:
        assert "### BEGIN SOLUTION" in cell.source
    for cell in tests:
        grade_id = nbgrader(cell)["grade_id"]
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{grade_id} has no hidden tests"
        visible, hidden = cell.source.split("### BEGIN HIDDEN TESTS")
        assert re.search(r"^ex\.\w+\.check\(", visible, re.M), f"{grade_id}: the visible test calls the exercise's check"
        assert re.search(r"^ex\.\w+\.grade\(", hidden, re.M), f"{grade_id}: the hidden tests call the exercise's grade"
    for cell in written:
        assert re.search(r"### BEGIN SOLUTION.+### END SOLUTION", cell.source, re.S), "a model answer in the source"
        assert re.search(r"### BEGIN HIDDEN TESTS\n\*\*Rubric", cell.source), "a rubric for the instructor, hidden"
    ids = [nbgrader(c)["grade_id"] for c in cells if nbgrader(c)]
    assert len(ids) == len(set(ids)), "grade ids must be unique"


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_fresh_notebook_runs_to_its_end(lesson):
    """Run All on a released notebook never stops at an unanswered exercise: no solution stub
    raises, and every top-level answer has a value before its region."""
    for cell in released(lesson).cells:
        if cell.cell_type == "code" and nbgrader(cell).get("solution"):
            assert "raise NotImplementedError" not in cell.source, nbgrader(cell)["grade_id"]
            assert cell.source.lstrip().startswith(("def ", "answer_")), \
                f"{nbgrader(cell)['grade_id']}: an answer is a function or an `answer_...` variable set before its region"


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_shape(lesson):
    cells = solution(lesson).cells
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    for heading in ("Learning objectives", "Recap", "Further reading"):
        assert re.search(rf"^#+ .*{heading}", text, re.M | re.I), f"missing section: {heading}"
    key = [c for c in cells if "key-figures" in c.metadata.get("tags", [])]
    assert len(key) == 1 and "nbval-check-output" in key[0].metadata["tags"]
    assert any(c.metadata.get("slideshow", {}).get("slide_type") == "notes" for c in cells)


@pytest.mark.parametrize("lesson", LESSONS)
def test_student_notebooks_hold_no_answers_or_outputs(lesson):
    for cell in released(lesson).cells:
        assert not re.search(r"BEGIN (SOLUTION|HIDDEN TESTS)", cell.source)
        assert not cell.get("outputs"), "student notebooks carry no outputs"


@pytest.mark.parametrize("lesson", LESSONS)
def test_key_figures_are_recorded(lesson):
    cell = next(c for c in solution(lesson).cells if "key-figures" in c.metadata.get("tags", []))
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    figures = json.loads(text)
    assert figures, "the key-figures cell prints a JSON object"
    assert cell.metadata["slideshow"]["slide_type"] == "skip", "the key figures are for tests, not for a slide"


def test_readme_lists_every_lesson_with_its_measured_run_time():
    """The README's lesson table and measured figures name every lesson, with real numbers."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    for lesson in lesson_names():
        row = re.search(rf"^\| \d+ \| \[[^]]+\]\(notebooks/{lesson}/{lesson}\.ipynb\) \|.*\| (\d+) s \|$", readme, re.M)
        assert row, f"README's lesson table has no row with a run time for {lesson}"
        assert int(row.group(1)) <= budget_seconds(lesson), f"{lesson}: README says it takes over its budget"
        assert re.search(rf"^\| {lesson} \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|$", readme, re.M), \
            f"README's measured figures have no row for {lesson}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_speaker_notes_are_set_apart_from_the_lesson_text(lesson):
    notes = [c for c in solution(lesson).cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    for cell in notes:
        assert cell.source.startswith("> **Speaker notes.**"), cell.source[:80]
        assert all(line.startswith(">") for line in cell.source.splitlines()), "the whole note is one quoted block"
