"""The `workshop` command: the course's tooling for instructors, maintainers and learners.

Kept apart from ``workshop_utils`` (what the lessons import): no lesson imports this package, and
this package imports the lesson library only for paths, data checks and memory sizes.

Modules: ``cli`` (the command line), ``doctor`` (machine checks), ``release`` (student notebooks
from the sources), ``nbgrader_course`` (nbgrader settings and a throw-away course folder),
``grading`` and ``safe_execution`` (autograding that survives bad submissions),
``process_memory`` (memory of a process tree), ``slides`` (offline reveal.js decks).
"""
