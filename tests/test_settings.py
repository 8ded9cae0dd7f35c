"""The grading settings are the ones every tool uses: the stubs are what learners see in place of
solutions, and the command line's defaults are the settings' values."""

from __future__ import annotations

import nbformat
from chosen_lessons import lessons_under_test

from workshop_tools.cli import parser
from workshop_tools.settings import CODE_STUB, DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT, TEXT_STUB
from workshop_utils.memory_sizes import parse_size
from workshop_utils.paths import released_notebook


def test_released_notebooks_hold_the_stubs():
    for lesson in lessons_under_test():
        cells = [cell for cell in nbformat.read(released_notebook(lesson), 4).cells
                 if cell.metadata.get("nbgrader", {}).get("solution")]
        code = [cell.source for cell in cells if cell.cell_type == "code"]
        text = [cell.source for cell in cells if cell.cell_type == "markdown"]
        stub_lines = CODE_STUB.splitlines()  # indented inside the function the learner completes
        assert code and all(line in source for source in code for line in stub_lines), lesson
        assert all(TEXT_STUB in source for source in text), lesson


def test_workshop_grade_defaults_are_the_settings():
    args = parser().parse_args(["grade", "submitted"])
    assert (args.cell_timeout, args.memory_limit) == (DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT)


def test_the_memory_limit_is_a_size_and_leaves_a_lesson_room():
    assert parse_size(DEFAULT_MEMORY_LIMIT, "memory limit")[0] >= 3 * 10**9
