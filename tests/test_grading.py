"""Round trips through `workshop grade`: the solution earns every autograded point, the released
notebook earns zero, one unanswered or wrong exercise earns partial credit, every grade gets its
feedback page, and submissions are never changed. The class is graded once for every grading
test (the ``graded_class`` fixture; see class_submissions.py)."""

from __future__ import annotations

import os

from class_submissions import LESSON_01, GradedClass

from workshop_tools.grading.grade_cells import autograded_max
from workshop_utils.paths import feedback_page


def test_grades_table_has_one_row_per_student_and_lesson(graded_class: GradedClass):
    assert graded_class.header == ["student", "assignment", "score", "max_score", "sandbox"]
    assert {row["sandbox"] for row in graded_class.rows} == {"yes"}, "graded in the sandbox by default"
    graded = sorted((row["student"], row["assignment"]) for row in graded_class.rows)
    assert graded == sorted(graded_class.expected), "every student graded once on every lesson"


def test_scores_are_as_expected(graded_class: GradedClass):
    for row in graded_class.rows:
        key = row["student"], row["assignment"]
        assert float(row["score"]) == graded_class.expected[key], (key, row)
        assert float(row["max_score"]) == autograded_max(row["assignment"])


def test_partial_credit_is_strictly_between(graded_class: GradedClass):
    partial = {key: score for key, score in graded_class.expected.items()
               if key[0] == "one_unanswered" or key == ("sign_flipped", LESSON_01)}
    assert len(partial) > 1
    for (_, lesson), score in partial.items():
        assert 0 < score < autograded_max(lesson)


def test_feedback_is_written_for_every_grade(graded_class: GradedClass):
    for row in graded_class.rows:
        text = feedback_page(graded_class.out, row["student"], row["assignment"]).read_text()
        assert f"{float(row['score']):g} / {float(row['max_score']):g}" in text


def test_submissions_are_never_modified(graded_class: GradedClass):
    assert graded_class.unchanged


def test_grading_processes_let_openmp_threads_sleep_and_know_they_are_grading(monkeypatch):
    """Each grading process (and so its kernel) gets OMP_WAIT_POLICY=PASSIVE, whatever the caller
    set, and WORKSHOP_GRADING (so a learner's progress file is never written while grading)."""
    from workshop_tools.grading.contained import grading_environment

    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    env = grading_environment()
    assert env["OMP_WAIT_POLICY"] == "PASSIVE" and env["WORKSHOP_GRADING"] == "1"
    assert env["PATH"] == os.environ["PATH"]


def test_the_class_gradebook_holds_every_student_and_lesson_with_its_autograded_score(graded_class: GradedClass):
    """The output folder holds one nbgrader course the formgrader opens: one gradebook with every
    student and lesson, the graded notebooks in nbgrader's layout, the autograded points recorded."""
    from nbgrader.api import Gradebook

    from workshop_tools.class_gradebook.course import class_course
    from workshop_tools.nbgrader_course import course_file, gradebook_url
    from workshop_tools.settings import COURSE_ID

    course = class_course(graded_class.out)
    with Gradebook(gradebook_url(course), COURSE_ID) as book:
        for row in graded_class.rows:
            submission = book.find_submission(row["assignment"], row["student"])
            recorded = sum(grade.score or 0.0 for notebook in submission.notebooks for grade in notebook.grades
                           if grade.cell.cell_type == "code")
            assert recorded == float(row["score"]), (row, recorded)
            if graded_class.expected[row["student"], row["assignment"]] > 0:
                assert course_file(course, "autograded", row["assignment"], row["student"]).exists()
