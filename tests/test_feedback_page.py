"""The feedback page: nbgrader's page with the score and every note on top, or the notes alone
when the notebook could not be graded; notes are shown as text, never as HTML."""

from __future__ import annotations

from workshop_tools.grading.feedback_page import write_feedback
from workshop_tools.grading.grade_result import GradeResult
from workshop_utils.paths import feedback_page

LESSON = "01_monotonic_xgboost"


def test_notes_go_first_in_nbgrader_page(tmp_path):
    graded = tmp_path / "nbgrader.html"
    graded.write_text("<html><head><title>t</title></head><body class='jp'><p>the graded notebook</p></body></html>")
    result = GradeResult("ann", LESSON, 7.0, 9.0, ["ex2_pd_test (2 points): AssertionError"], str(graded))
    page = write_feedback(result, tmp_path / "out")
    assert page == feedback_page(tmp_path / "out", "ann", LESSON)
    text = page.read_text()
    assert text.index("<body class='jp'>") < text.index("7 / 9 autograded points") < text.index("the graded notebook")
    assert "<li>ex2_pd_test (2 points): AssertionError</li>" in text


def test_an_ungradable_notebook_gets_the_notes_alone(tmp_path):
    result = GradeResult("bob", LESSON, 0.0, 9.0, ["the notebook is not valid Jupyter JSON <script>"])
    text = write_feedback(result, tmp_path).read_text()
    assert "0 / 9 autograded points" in text and "&lt;script&gt;" in text and "<script>" not in text
    assert text.startswith("<html><body><div")


def test_no_notes_says_none(tmp_path):
    text = write_feedback(GradeResult("cy", LESSON, 9.0, 9.0), tmp_path).read_text()
    assert "<li>none</li>" in text
