"""The course's grading settings, in one place: the course id nbgrader files grades under, the
stubs that replace solutions in student notebooks, and how long and how much memory a
submission may take. ``workshop release``, ``workshop grade``, ``workshop slides`` and the root
``nbgrader_config.py`` (for instructors running nbgrader by hand) all read them from here.

Example:
    >>> print(CODE_STUB)
    # YOUR CODE HERE
    pass
    >>> DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT
    (120, '4G')
"""

from __future__ import annotations

COURSE_ID = "responsible_ml"
"""The course id in nbgrader's gradebook."""

CODE_STUB = "# YOUR CODE HERE\npass"
"""What a code solution (between ``### BEGIN SOLUTION`` and ``### END SOLUTION``) becomes. It does
nothing (rather than nbgrader's usual ``raise NotImplementedError()``), so Run All on a fresh
notebook runs the whole lesson: each exercise's check then says "not answered yet", and grading
still counts it as failed."""

TEXT_STUB = "YOUR ANSWER HERE"
"""What a written answer becomes."""

DEFAULT_CELL_TIMEOUT = 120
"""Seconds one cell of a submission may run: several times the slowest cell of any lesson (lesson
08's cross-validation, 25 to 34 s in the runs measured on a 2-core machine)."""

DEFAULT_MEMORY_LIMIT = "4G"
"""Memory a submission's kernel (and its Java) may hold: a lesson needs at most 3 GB."""
