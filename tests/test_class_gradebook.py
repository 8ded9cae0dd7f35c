"""The class gradebook `workshop grade` leaves for the formgrader: after a small class is graded,
``OUT/course`` is an nbgrader course whose one gradebook has every student and lesson with the
autograded scores, whose autograded notebooks are where nbgrader looks, each written answer
followed by the grader's rubric; a re-run leaves it as it was and the submissions are never
written. The rubric cell is for the grader only: feedback drops it."""

from __future__ import annotations

import hashlib

import nbformat
import pytest
from tiny_class import CODE_POINTS, LESSON, MODEL_ANSWER, RUBRIC, WRITTEN_ID, graded_class, written_cell

from workshop_tools.class_gradebook.course import class_course, prepare_class_course
from workshop_tools.class_gradebook.formgrade import LEARNER_CONFIG, formgrader_command, instructor_environment
from workshop_tools.class_gradebook.rubric import GRADER_ONLY, TITLE, DropGraderNotes, with_grader_notes
from workshop_tools.nbgrader_course import course_file, nbgrader_config


def snapshot(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    return graded_class(base)


def test_one_gradebook_holds_every_student_and_the_autograded_scores(graded) -> None:
    with graded.gradebook() as book:
        assert sorted(student.id for student in book.students) == ["ann", "bob", "cara"]
        scores = {(s.student.id, g.name): (g.score, g.needs_manual_grade)
                  for s in book.assignment_submissions(LESSON) for nb in s.notebooks for g in nb.grades}
    assert scores[("ann", "ex_double_test")] == (CODE_POINTS, False)
    assert scores[("bob", "ex_double_test")] == (0.0, False)
    assert scores[("ann", WRITTEN_ID)][1] and scores[("bob", WRITTEN_ID)][1], "written answers wait for the grader"
    assert scores[("cara", WRITTEN_ID)] == (0.0, False), "nothing submitted: nothing to grade by hand"


def test_nbgrader_finds_the_autograded_notebooks_the_formgrader_shows(graded) -> None:
    from nbgrader.apps import NbGraderAPI

    course = class_course(graded.out)
    api = NbGraderAPI(config=nbgrader_config(course))
    autograded = {sub["student"]: sub["autograded"] for sub in api.get_submissions(LESSON)}
    assert autograded == {"ann": True, "bob": True, "cara": False}  # cara's has no notebook to show
    assert [sub["needs_manual_grade"] for sub in api.get_notebook_submissions(LESSON, LESSON)] == [True, True]
    assert (course / "nbgrader_config.py").exists() and (course / "gradebook.db").exists()


def test_each_written_answer_is_followed_by_the_rubric_for_the_grader(graded) -> None:
    notebook = nbformat.read(course_file(class_course(graded.out), "autograded", LESSON, "bob"), 4)
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in notebook.cells]
    answer = ids.index(WRITTEN_ID)
    assert notebook.cells[answer].source == "Probably the weather."
    note = notebook.cells[answer + 1]
    assert note.metadata[GRADER_ONLY] and TITLE in note.source
    assert RUBRIC in note.source and MODEL_ANSWER in note.source and "BEGIN" not in note.source
    assert sum(bool(cell.metadata.get(GRADER_ONLY)) for cell in notebook.cells) == 1


def test_the_rubric_cell_is_replaced_not_repeated_and_feedback_drops_it() -> None:
    source = nbformat.v4.new_notebook(cells=[written_cell("### BEGIN SOLUTION\nmodel\n### END SOLUTION\n"
                                                          "### BEGIN HIDDEN TESTS\nrubric\n### END HIDDEN TESTS")])
    answered = nbformat.v4.new_notebook(cells=[written_cell("my answer")])
    twice = with_grader_notes(with_grader_notes(answered, source), source)
    assert [cell.source.split("\n")[0] for cell in twice.cells] == ["my answer", f"#### {TITLE}"]
    dropped, _ = DropGraderNotes().preprocess(twice, {})
    assert [cell.source for cell in dropped.cells] == ["my answer"]
    assert len(answered.cells) == 1, "the autograded notebook itself is not changed"


def test_rerunning_changes_nothing_and_submissions_are_never_written(graded) -> None:
    course = class_course(graded.out)
    before, submitted = snapshot(course / "autograded"), snapshot(graded.submitted)
    release = course_file(course, "release", LESSON).stat().st_mtime_ns
    prepare_class_course(graded.out, [LESSON], graded.root)
    assert course_file(course, "release", LESSON).stat().st_mtime_ns == release, "an unchanged lesson is not regenerated"
    assert graded.grade_and_record("ann") is None
    after = snapshot(course / "autograded")
    assert after.pop("ann/01_tiny/01_tiny.ipynb") and before.pop("ann/01_tiny/01_tiny.ipynb"), "ann regraded"
    assert after == before, "the others untouched, ann's timestamp kept"
    assert snapshot(graded.submitted) == submitted
    with graded.gradebook() as book:
        assert book.find_grade(WRITTEN_ID, LESSON, LESSON, "ann").needs_manual_grade


def test_the_formgrader_runs_without_the_learner_settings(tmp_path) -> None:
    env = instructor_environment("tok", {"JUPYTER_CONFIG_PATH": f"/other:{LEARNER_CONFIG}", "PATH": "/bin"})
    assert env == {"JUPYTER_CONFIG_PATH": "/other", "PATH": "/bin", "JUPYTER_TOKEN": "tok"}
    command = formgrader_command(tmp_path, 8890)
    assert "--ServerApp.ip=127.0.0.1" in command and f"--ServerApp.root_dir={tmp_path}" in command
    assert "nbgrader.server_extensions.formgrader=True" in command and not any("tok" in part for part in command)
