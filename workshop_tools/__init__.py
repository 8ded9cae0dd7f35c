"""The `workshop` command: the course's tooling for instructors, maintainers and learners.

Kept apart from ``workshop_utils`` (what the lessons import): no lesson imports this package, and
this package imports the lesson library only for paths, data checks and memory sizes.

Modules: ``cli`` (the command line), ``doctor`` (machine checks), ``release`` (student notebooks
from the sources), ``settings`` (the course id, solution stubs, cell time and memory limits),
``nbgrader_course`` (nbgrader settings and a throw-away course folder), ``grading`` (a
subpackage: ``workshop grade``, see its docstring) and ``safe_execution`` (running a notebook
that may crash, hang or hog memory), ``process_memory`` (memory of a process tree), ``slides``
(offline reveal.js decks).
"""
