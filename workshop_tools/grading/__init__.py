"""`workshop grade`: autograde a folder of submissions with nbgrader, safely.

Layout read: ``SUBMITTED/<student>/<lesson>/<lesson>.ipynb``. Written: ``OUT/grades.csv`` (one
row per student and lesson: ``student,assignment,score,max_score``, autograded points) and
``OUT/feedback/<student>/<lesson>.html``. Each (student, lesson) is graded in its own process
with its own throw-away nbgrader course, so a submission that hangs, crashes or is malformed
costs only that student's points, and the submission files are only ever read.

Modules, from the top down:

* ``process_pool``: ``grade_class``, one grading process per submission, a few at a time.
* ``worker``: the grading process's entry point and the command line that starts it.
* ``autograde``: nbgrader inside one grading process (``grade_submission``).
* ``submissions``: the class folder, reading one submission, files beside it.
* ``grade_cells``: the autograded cells: their points, restoring edited tests, cells that failed.
* ``feedback_page``: the student's HTML feedback page; ``grades_csv``: the grades table.
* ``grade_result``: ``GradeResult``, what each step hands on.
"""
