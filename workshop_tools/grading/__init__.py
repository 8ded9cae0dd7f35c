"""`workshop grade`: autograde a folder of submissions with nbgrader, safely.

Layout read: ``SUBMITTED/<student>/<lesson>/<lesson>.ipynb``. Written: ``OUT/grades.csv`` (one
row per student and lesson: ``student,assignment,score,max_score,sandbox``, autograded points)
and ``OUT/feedback/<student>/<lesson>.html``. Each (student, lesson) is graded in its own process
with its own throw-away nbgrader course, inside a bubblewrap sandbox of its own (no network,
course read-only, no other submission or output visible, every process ended with it), so a
submission that hangs, crashes, is malformed or hostile costs only that student's points, and
the submission files are only ever read. An interrupted run carries on where it stopped.

Modules, from the top down:

* ``process_pool``: ``grade_class``, one grading process per submission, a few at a time.
* ``contained``: each grading process in its sandbox, and what comes out of it checked.
* ``resume``: the finished results a rerun reuses; ``run_lock``: one run per output folder;
  ``progress``: the line printed per graded submission; ``atomic_files``: whole-or-nothing writes.
* ``worker``: the grading process's entry point and the command line that starts it.
* ``autograde``: nbgrader inside one grading process (``grade_submission``).
* ``submissions``: the class folder, reading one submission, files beside it.
* ``grade_cells``: the autograded cells: their points, restoring edited tests, cells that failed.
* ``feedback_page``: the student's HTML feedback page; ``grades_csv``: the grades table.
* ``grade_result``: ``GradeResult``, what each step hands on.
"""
