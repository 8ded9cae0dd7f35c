"""The line ``workshop grade`` prints as each submission is graded: how far the run is, the
grade, the time spent and the time still expected.

Example:
    >>> clock = ProgressClock(total=30, done=2, to_grade=28, started=0.0)
    >>> clock.line(GradeResult("ann", "01_monotonic_xgboost", 9.0, 9.0), now=41.0)
    '[3/30] ann/01_monotonic_xgboost 9/9 (41 s elapsed, about 18 min left)'
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from workshop_tools.grading.grade_result import GradeResult


def duration(seconds: float) -> str:
    """A short human duration.

    >>> duration(41.2), duration(370), duration(4000)
    ('41 s', '6 min', '1 h 7 min')
    """
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


@dataclass
class ProgressClock:
    """Counts a run's submissions: ``done`` before it (skipped) and as it goes."""

    total: int
    done: int
    to_grade: int
    started: float = field(default_factory=time.monotonic)
    graded: int = 0

    def line(self, result: GradeResult, now: float | None = None) -> str:
        """Count one more graded submission and describe it."""
        self.done += 1
        self.graded += 1
        elapsed = (time.monotonic() if now is None else now) - self.started
        left = elapsed / self.graded * (self.to_grade - self.graded)
        notes = f", {len(result.notes)} note(s) in the feedback" if result.notes else ""
        return (f"[{self.done}/{self.total}] {result.student}/{result.assignment} {result.score:g}/{result.max_score:g} "
                f"({duration(elapsed)} elapsed, {'about ' + duration(left) + ' left' if left else 'done'}{notes})")
