"""One graded submission into the class gradebook, by the grading parent process (the one writer)
after each result: the autograded notebook (with the grader's rubric cells) copied into nbgrader's
layout, the student and the submission added, and the autograded cell scores saved by nbgrader's
own ``SaveAutoGrades``, which never touches the manual points or comments.

A re-run on the same submission (same content hash) keeps everything the instructor did as it
was. A changed submission is regraded; its manual points and comments are kept, but every grade
the instructor had set is flagged "needs manual grade" again (nbgrader's own rule) and a message
says its manual grade must be checked.

Example:
    >>> record_autograded(Path("graded"), "ann", "01_x", Path("ann.ipynb"), "3f2a...")  # doctest: +SKIP
    'ann/01_x: submission changed; its manual grade must be checked again'
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from workshop_tools.class_gradebook.course import class_course
from workshop_tools.class_gradebook.records import SubmissionRecord, read_record, write_record
from workshop_tools.class_gradebook.rubric import with_grader_notes
from workshop_tools.grading.atomic_files import write_atomically
from workshop_tools.nbgrader_course import course_file, gradebook_url
from workshop_tools.settings import COURSE_ID


def now_utc() -> str:
    """The time now, as nbgrader writes a submission's timestamp."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def copy_notebooks(course: Path, student: str, lesson: str, autograded: Path | None,
                   submitted: Path | None, timestamp: str) -> nbformat.NotebookNode | None:
    """Put the submission (read only) and its autograded notebook, with the grader's rubric cells,
    in the course's ``submitted/`` and ``autograded/`` folders, each with nbgrader's
    ``timestamp.txt``; return the autograded notebook (None when there is none)."""
    target = course_file(course, "autograded", lesson, student)
    shutil.rmtree(target.parent, ignore_errors=True)
    copied = course_file(course, "submitted", lesson, student)
    copied.parent.mkdir(parents=True, exist_ok=True)
    if submitted is not None and Path(submitted).exists():
        shutil.copyfile(submitted, copied)
    (copied.parent / "timestamp.txt").write_text(timestamp)
    if autograded is None or not Path(autograded).exists():
        return None
    graded = nbformat.read(autograded, as_version=4)
    notes = with_grader_notes(graded, nbformat.read(course_file(course, "source", lesson), as_version=4))
    target.parent.mkdir(parents=True)
    write_atomically(target, nbformat.writes(notes))
    (target.parent / "timestamp.txt").write_text(timestamp)
    return graded


def save_scores(course: Path, student: str, lesson: str, graded: nbformat.NotebookNode | None,
                timestamp: str, rerun: bool) -> bool:
    """Add the student and submission to the gradebook and save the autograded cell scores (zero
    for every cell when nothing could be graded). Manual points and comments stay; on a ``rerun``
    of an unchanged submission, so do the "needs manual grade" flags. Returns True when the
    instructor had graded any of it by hand."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.preprocessors import SaveAutoGrades
    from nbgrader.utils import parse_utc
    from sqlalchemy.exc import SAWarning

    url = gradebook_url(course)
    with Gradebook(url, COURSE_ID) as book:
        book.update_or_create_student(student)
        try:
            submission = book.find_submission(lesson, student)
        except MissingEntry:
            with warnings.catch_warnings():  # nbgrader's own add_submission trips SQLAlchemy's autoflush warning
                warnings.simplefilter("ignore", SAWarning)
                submission = book.add_submission(lesson, student)
        submission.timestamp = parse_utc(timestamp)
        grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
        flags = {grade.id: grade.needs_manual_grade for grade in grades}
        graded_by_hand = any(grade.manual_score is not None for grade in grades)
        if graded is None:
            for grade in grades:
                grade.auto_score = 0.0
                grade.needs_manual_grade = grade.manual_score is not None
        book.db.commit()
    if graded is not None:
        resources = {"nbgrader": {"notebook": lesson, "assignment": lesson, "student": student, "db_url": url}}
        SaveAutoGrades().preprocess(graded, resources)
    if rerun:
        with Gradebook(url, COURSE_ID) as book:
            for notebook in book.find_submission(lesson, student).notebooks:
                for grade in notebook.grades:
                    grade.needs_manual_grade = flags.get(grade.id, grade.needs_manual_grade)
            book.db.commit()
    return graded_by_hand


def record_autograded(out: Path, student: str, lesson: str, autograded_notebook: Path | None,
                      submission_hash: str, notes: Sequence[str] = (),
                      submitted_notebook: Path | None = None) -> str | None:
    """Record one graded submission in the class course of ``out`` (made by
    ``prepare_class_course``). ``autograded_notebook`` is the notebook nbgrader autograded (None
    when the submission could not be graded: every cell then scores zero), ``notes`` the grading
    notes for the student's feedback, ``submitted_notebook`` the submission (only read). Returns
    the message for the instructor when a changed submission had been graded by hand, else None."""
    course = class_course(out)
    before = read_record(course, student, lesson)
    changed = before is not None and before.submission_hash != submission_hash
    timestamp = before.timestamp if before is not None and not changed else now_utc()
    graded = copy_notebooks(course, student, lesson, autograded_notebook, submitted_notebook, timestamp)
    graded_by_hand = save_scores(course, student, lesson, graded, timestamp, rerun=before is not None and not changed)
    write_record(course, student, lesson, SubmissionRecord(submission_hash, timestamp, list(notes)))
    if changed and graded_by_hand:
        return f"{student}/{lesson}: submission changed; its manual grade must be checked again"
    return None
