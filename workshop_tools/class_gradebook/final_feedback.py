"""Each student's feedback page regenerated after hand grading: nbgrader's feedback from the class
course (each cell's points and the instructor's comments; the grader's rubric cells dropped),
with the box on top that ``workshop grade`` puts there, now giving the total, the autograded and
the hand-graded points, the instructor's comments and the grading notes.

A page is only rewritten when something it shows changed (its key, kept in the page, differs),
and nbgrader's pages are made a few at a time in forked processes: a class of 30 takes seconds.

Example:
    >>> print(final_summary(FinalGrade("ann", "01_x", 7, 9, 2.5, 3, False, ["ex5: <b>good</b>"])))  # doctest: +NORMALIZE_WHITESPACE
    <h2>01_x: 9.5 / 12 points</h2><p>Autograded: 7 / 9. Written answers, graded by hand: 2.5 / 3.</p><p>Comments
    from your instructor:</p><ul><li>ex5: &lt;b&gt;good&lt;/b&gt;</li></ul>
"""

from __future__ import annotations

import hashlib
import html
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from traitlets.config import Config

from workshop_tools.class_gradebook.course import class_course
from workshop_tools.class_gradebook.gradebook_table import FinalGrade
from workshop_tools.class_gradebook.records import read_record
from workshop_tools.class_gradebook.rubric import DropGraderNotes
from workshop_tools.grading.feedback_page import write_feedback
from workshop_tools.grading.grade_result import GradeResult
from workshop_tools.nbgrader_course import course_file, nbgrader_config, use_this_environment
from workshop_utils.paths import feedback_page

NOT_GRADED_YET = " (not all graded yet: these points may still change)"
MAX_JOBS = 4


def final_summary(grade: FinalGrade) -> str:
    """The heading of the feedback box once written answers are graded by hand (HTML)."""
    pending = NOT_GRADED_YET if grade.ungraded_written else ""
    comments = "".join(f"<li>{html.escape(comment)}</li>" for comment in grade.comments)
    return (f"<h2>{html.escape(grade.assignment)}: {grade.total:g} / {grade.total_max:g} points</h2>"
            f"<p>Autograded: {grade.score:g} / {grade.max_score:g}. Written answers, graded by hand: "
            f"{grade.manual_score:g} / {grade.manual_max:g}{pending}.</p>"
            + (f"<p>Comments from your instructor:</p><ul>{comments}</ul>" if comments else ""))


def feedback_config(course: Path, leave_out: list[str]) -> Config:
    """nbgrader settings for feedback from the class course: its own, the rubric cells dropped,
    the students ``leave_out`` skipped."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    config = nbgrader_config(course)
    config.GenerateFeedback.preprocessors = [DropGraderNotes, GetGrades, CSSHTMLHeaderPreprocessor]
    config.CourseDirectory.student_id_exclude = ",".join(leave_out)
    return config


def generate_nbgrader_feedback(course: Path, lesson: str, students: list[str]) -> None:
    """nbgrader's feedback pages for these students' autograded submissions of the lesson (one
    nbgrader run: its page template is compiled once)."""
    from nbgrader.apps import NbGraderAPI

    use_this_environment()
    graded = {path.parent.parent.name for path in (course / "autograded").glob(f"*/{lesson}/{lesson}.ipynb")}
    api = NbGraderAPI(config=feedback_config(course, sorted(graded - set(students))))
    result = api.generate_feedback(lesson, force=True)
    if not result["success"]:
        raise RuntimeError(f"nbgrader could not write the feedback on {lesson}:\n{result['log']}")


def generate_in_parallel(course: Path, submissions: list[tuple[str, str]], jobs: int) -> None:
    """``generate_nbgrader_feedback`` for every (student, lesson), each lesson's students shared
    among ``jobs`` forked processes (this one when 1)."""
    tasks = []
    for lesson in sorted({lesson for _, lesson in submissions}):
        students = sorted(student for student, graded in submissions if graded == lesson)
        shares = max(1, min(jobs, len(students) // 4))  # a few pages per process at least
        tasks += [(lesson, students[start::shares]) for start in range(shares)]
    if jobs == 1 or len(tasks) == 1:
        for lesson, students in tasks:
            generate_nbgrader_feedback(course, lesson, students)
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(generate_nbgrader_feedback, [course] * len(tasks), *zip(*tasks, strict=True)))


def page_key(grade: FinalGrade, notes: list[str], autograded: Path) -> str:
    """What the page shows, in short: it changes when the grades, comments, notes or the graded
    notebook do."""
    stat = autograded.stat() if autograded.exists() else None
    shown = repr((grade, notes, stat and (stat.st_size, stat.st_mtime_ns)))
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


def key_marker(key: str) -> str:
    """The HTML comment that records a page's key inside it."""
    return f"<!-- workshop final feedback {key} -->"


def is_current(page: Path, key: str) -> bool:
    """True when ``page`` is already the final page with this key."""
    return page.exists() and key_marker(key) in page.read_text(errors="replace")


def write_final_feedback(grades: list[FinalGrade], out: Path, jobs: int | None = None) -> list[Path]:
    """Rewrite ``out/feedback/<student>/<lesson>.html`` for every final grade whose page is out of
    date, making nbgrader's pages ``jobs`` at a time (default: the cores, at most 4); return the
    pages rewritten."""
    course = class_course(out)
    stale = []
    for grade in grades:
        record = read_record(course, grade.student, grade.assignment)
        notes = record.notes if record else []
        autograded = course_file(course, "autograded", grade.assignment, grade.student)
        key = page_key(grade, notes, autograded)
        if not is_current(feedback_page(out, grade.student, grade.assignment), key):
            stale.append((grade, notes, autograded.exists(), key))
    graded = [(grade.student, grade.assignment) for grade, _, exists, _ in stale if exists]
    if graded:
        generate_in_parallel(course, graded, jobs or min(os.cpu_count() or 1, MAX_JOBS))
    pages = []
    for grade, notes, exists, key in stale:
        nbgrader_page = course_file(course, "feedback", grade.assignment, grade.student, suffix=".html")
        result = GradeResult(grade.student, grade.assignment, grade.score, grade.max_score, notes,
                             str(nbgrader_page) if exists else None)
        pages.append(write_feedback(result, out, final_summary(grade) + key_marker(key)))
    return pages
