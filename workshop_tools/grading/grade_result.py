"""One student's grade for one lesson, as grading hands it from step to step (and, as JSON, from
a grading process to the pool).

Example:
    >>> result = GradeResult("ann", "01_x", 9.0, 9.0)
    >>> result.student, result.score, result.max_score, result.notes, result.sandboxed
    ('ann', 9.0, 9.0, [], True)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GradeResult:
    """One student's grade for one lesson, with the reasons any points were lost, and whether it
    was graded in the sandbox (``workshop grade --no-sandbox`` says so in the table and feedback)."""

    student: str
    assignment: str
    score: float
    max_score: float
    notes: list[str] = field(default_factory=list)
    feedback_html: str | None = None
    sandboxed: bool = True
    cells: dict[str, list[float]] = field(default_factory=dict)
    """Each autograded cell's [score, points], by grade id (what `workshop check` prints)."""
    autograded_notebook: str | None = None
    """The notebook nbgrader graded, kept in the output folder for the class gradebook."""
