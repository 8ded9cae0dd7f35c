"""The rubric next to each written answer, for the grader only. The lesson source keeps it in the
answer cell's hidden region (after the model answer); the autograded notebook in the class course
gets a read-only markdown cell right after each written answer with the rubric and the model
answer, which the formgrader shows and ``DropGraderNotes`` removes from students' feedback.

Example:
    >>> from nbformat.v4 import new_markdown_cell
    >>> answer = new_markdown_cell("### BEGIN SOLUTION\\nmodel\\n### END SOLUTION\\n"
    ...                            "### BEGIN HIDDEN TESTS\\nrubric\\n### END HIDDEN TESTS")
    >>> print(grader_cell(answer).source.split("\\n\\n")[-2:])
    ['rubric', '**Model answer.** model']
"""

from __future__ import annotations

import copy

import nbformat
from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor

from workshop_utils.exercises.engine import between_markers

GRADER_ONLY = "workshop_grader_only"
"""Metadata key marking a cell the grader sees and students never do."""

TITLE = "For the grader: rubric"



def written_answers(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """The written-answer cells (markdown cells nbgrader grades by hand), by grade id."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells
            if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("grade")}


def grader_cell(source_answer: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The grader's cell for one written answer of the lesson source: its rubric and model answer
    (None when the source has neither)."""
    rubric = between_markers(source_answer.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
    model = between_markers(source_answer.source, "BEGIN SOLUTION", "END SOLUTION")
    if not rubric and not model:
        return None
    parts = [f"#### {TITLE}\n*Shown in the formgrader only; never in students' notebooks or feedback.*",
             rubric, f"**Model answer.** {model}" if model else ""]
    return new_markdown_cell("\n\n".join(part for part in parts if part),
                             metadata={GRADER_ONLY: True, "editable": False, "deletable": False})


def with_grader_notes(graded: nbformat.NotebookNode, source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the autograded notebook with the grader's cell after each written answer."""
    notes = {grade_id: grader_cell(cell) for grade_id, cell in written_answers(source).items()}
    copied = copy.deepcopy(graded)
    copied.cells = []
    for cell in graded.cells:
        if cell.metadata.get(GRADER_ONLY):
            continue  # from an earlier copy: replaced by the current rubric
        copied.cells.append(copy.deepcopy(cell))
        note = notes.get(cell.metadata.get("nbgrader", {}).get("grade_id")) if cell.cell_type == "markdown" else None
        if note is not None:
            copied.cells.append(note)
    return copied


class DropGraderNotes(NbGraderPreprocessor):
    """Remove the grader's cells (for the feedback students read); on by default, as nbgrader's
    own steps are."""

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        """``nb`` without the cells marked ``GRADER_ONLY``."""
        nb.cells = [cell for cell in nb.cells if not cell.metadata.get(GRADER_ONLY)]
        return nb, resources
