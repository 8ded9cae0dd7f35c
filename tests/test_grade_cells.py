"""The autograded cells: their points come from the solution, and a test cell a student deleted
or edited is noticed (one that matches either version the student may hold is not)."""

from __future__ import annotations

import nbformat

from workshop_tools.grading.grade_cells import autograded_max, autograded_test_sources, graded_code_cells, tampered_cells
from workshop_utils.paths import released_notebook, source_notebook

LESSON = "01_monotonic_xgboost"


def lesson_01() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    return nbformat.read(released_notebook(LESSON), 4), nbformat.read(source_notebook(LESSON), 4)


def test_points_are_the_solution_test_cells_points():
    solution = nbformat.read(source_notebook(LESSON), 4)
    assert autograded_max(LESSON) == sum(cell.metadata.nbgrader.points for cell in graded_code_cells(solution)) == 11.0


def test_both_versions_a_student_may_hold_are_untouched():
    released, source = lesson_01()
    assert tampered_cells([released, source], released) == []
    assert tampered_cells([released, source], source) == []


def test_deleted_and_edited_tests_are_named():
    released, source = lesson_01()
    ids = list(autograded_test_sources(released))
    submitted = nbformat.read(released_notebook(LESSON), 4)
    submitted.cells = [cell for cell in submitted.cells if cell.metadata.get("nbgrader", {}).get("grade_id") != ids[0]]
    edited = next(cell for cell in submitted.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == ids[1])
    edited.source = "pass"
    assert tampered_cells([released, source], submitted) == [
        f"test cell {ids[0]} was deleted; the original was put back and graded",
        f"test cell {ids[1]} was edited; the original was graded instead"]
