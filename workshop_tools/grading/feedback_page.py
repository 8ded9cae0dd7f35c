"""The page a student reads about one lesson: nbgrader's feedback HTML (their graded notebook)
with a box on top giving the autograded score and every reason points were lost, written to
``OUT/feedback/<student>/<lesson>.html``. A submission that could not be run gets the box alone.

Example:
    >>> print(notes_html(GradeResult("ann", "01_x", 7, 9, ["ex2 <lost> 2 points"])))  # doctest: +NORMALIZE_WHITESPACE
    <div id="workshop-grading" style="border:2px solid #2471a3;padding:1em;margin:1em"><h2>01_x: 7 / 9
    autograded points</h2><p>Written answers are graded by hand and are not included.</p><p>Grading
    notes:</p><ul><li>ex2 &lt;lost&gt; 2 points</li></ul></div>
"""

from __future__ import annotations

import html
from pathlib import Path

from workshop_tools.grading.atomic_files import write_atomically
from workshop_tools.grading.grade_result import GradeResult
from workshop_utils.paths import feedback_page

EMPTY_PAGE = "<html><body></body></html>"
"""The page the notes go into when nbgrader wrote none (the notebook could not be graded)."""

UNSANDBOXED = ("<p><strong>Graded WITHOUT the sandbox</strong> (<code>workshop grade --no-sandbox</code>): "
               "this notebook ran with the instructor's own access to files and network.</p>")
"""Said on every page graded with ``--no-sandbox``."""


def autograded_summary(result: GradeResult) -> str:
    """The box's heading after autograding: the autograded points alone."""
    return (f"<h2>{html.escape(result.assignment)}: {result.score:g} / {result.max_score:g} autograded points"
            f"</h2><p>Written answers are graded by hand and are not included.</p>")


def notes_html(result: GradeResult, summary: str | None = None) -> str:
    """A short HTML block with the score (or the given ``summary``, HTML) and every reason points
    were lost."""
    items = "".join(f"<li>{html.escape(note)}</li>" for note in result.notes) or "<li>none</li>"
    return (f'<div id="workshop-grading" style="border:2px solid #2471a3;padding:1em;margin:1em">'
            f"{summary or autograded_summary(result)}{'' if result.sandboxed else UNSANDBOXED}"
            f"<p>Grading notes:</p><ul>{items}</ul></div>")


def with_notes(page: str, result: GradeResult, summary: str | None = None) -> str:
    """``page`` with the grading notes (under ``summary``, see ``notes_html``) as the first thing
    in its body (at the very top when it has no ``<body>``).

    >>> page = with_notes("<html><body class='x'><p>nb</p></body></html>", GradeResult("a", "l", 0, 1))
    >>> page.startswith("<html><body class='x'><div id=") and page.endswith("</div><p>nb</p></body></html>")
    True
    """
    marker = page.find("<body")
    insert_at = page.find(">", marker) + 1 if marker >= 0 else 0
    return page[:insert_at] + notes_html(result, summary) + page[insert_at:]


def write_feedback(result: GradeResult, out: Path, summary: str | None = None) -> Path:
    """Write the student's feedback page (nbgrader's, with the grading notes on top, under
    ``summary`` when given)."""
    target = feedback_page(out, result.student, result.assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    page = Path(result.feedback_html).read_text(errors="replace") if result.feedback_html else EMPTY_PAGE
    write_atomically(target, with_notes(page, result, summary))
    return target
