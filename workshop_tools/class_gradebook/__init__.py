"""The class's own nbgrader course, kept in ``OUT/course/`` next to ``grades.csv``: one gradebook
with every student and lesson, the autograded notebooks in nbgrader's layout (each written answer
followed by its rubric, for the grader's eyes only), ready for the formgrader; then the final
grades once the written answers are graded by hand.

The instructor's path: ``workshop grade SUBMITTED --out OUT`` (autograded points; each result is
recorded here by the grading parent process, the only writer), ``workshop formgrade OUT`` (written
answers graded in nbgrader's formgrader), ``workshop grades OUT`` (``grades.csv`` with the manual
points and totals, ``canvas.csv``, feedback pages with the instructor's points and comments).

Modules, from the top down:

* ``final_grades``: ``finish_grades``, what ``workshop grades`` does.
* ``formgrade``: ``run_formgrader``, JupyterLab with nbgrader's formgrader on the class course.
* ``recording``: ``record_autograded``, one graded submission into the class gradebook.
* ``course``: the course folder, its nbgrader settings, its lessons; ``records``: what grading
  noted about each submission (its content hash, the notes for the feedback).
* ``rubric``: the rubric cell the grader sees under each written answer, dropped from feedback.
* ``gradebook_table``: the final points of every submission, read from the gradebook;
  ``final_csv``: ``grades.csv`` with them; ``lms_export``: ``canvas.csv``;
  ``final_feedback``: the feedback pages.
"""
