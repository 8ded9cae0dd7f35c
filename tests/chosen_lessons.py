"""Which lessons the notebook, release and grading tests cover.

Set WORKSHOP_TEST_LESSONS=01_monotonic_xgboost,03_disparate_impact_analysis to test only those
lessons (the default is every lesson). Test modules import it as ``from chosen_lessons import
lessons_under_test`` (``tests/`` is on the import path while pytest runs).
"""

from __future__ import annotations

import os

from workshop_utils.paths import lesson_names


def lessons_under_test() -> list[str]:
    """Every lesson, or those named in WORKSHOP_TEST_LESSONS (in course order).

    >>> set(lessons_under_test()) <= set(lesson_names())
    True
    """
    chosen = os.environ.get("WORKSHOP_TEST_LESSONS")
    return [name for name in lesson_names() if not chosen or name in chosen.split(",")]
