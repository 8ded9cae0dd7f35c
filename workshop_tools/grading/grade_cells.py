"""The autograded cells of a lesson (code cells nbgrader marks ``grade``): the points they are
worth, and the test cells a submission deleted or edited (grading puts the originals back).

Example:
    >>> autograded_max("01_monotonic_xgboost")
    11.0
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from workshop_utils.paths import PROJECT_ROOT, source_notebook


def graded_code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The code cells nbgrader grades (the lesson's test cells).

    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> test = new_code_cell("assert f() == 1", metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 2}})
    >>> len(graded_code_cells(new_notebook(cells=[new_code_cell("x = 1"), test])))
    1
    """
    return [cell for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")]


def cell_points(lesson: str, root: Path = PROJECT_ROOT) -> dict[str, float]:
    """Points of each of the lesson's autograded (code test) cells, by grade id, in the lesson's
    order, read from the solution."""
    notebook = nbformat.read(source_notebook(lesson, root), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"].get("points", 0))
            for cell in graded_code_cells(notebook)}


def autograded_max(lesson: str, root: Path = PROJECT_ROOT) -> float:
    """Total points of the lesson's autograded (code test) cells, read from the solution."""
    return float(sum(cell_points(lesson, root).values()))


def autograded_test_sources(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Source of each autograded test cell, by grade id."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source.strip() for cell in graded_code_cells(notebook)}


def tampered_cells(originals: list[nbformat.NotebookNode], submitted: nbformat.NotebookNode) -> list[str]:
    """Notes on test cells the submission deleted or edited, compared with each version a
    student may hold (the released and the source notebook); grading restores the originals."""
    found = autograded_test_sources(submitted)
    versions = [autograded_test_sources(notebook) for notebook in originals]
    notes = []
    for grade_id in versions[0]:
        if grade_id not in found:
            notes.append(f"test cell {grade_id} was deleted; the original was put back and graded")
        elif all(found[grade_id] != version.get(grade_id) for version in versions):
            notes.append(f"test cell {grade_id} was edited; the original was graded instead")
    return notes
