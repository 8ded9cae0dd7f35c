"""Remediations the debugging lessons share, and the rule that picks one.

Missing-value injection: blank out a share of one input in the training rows, so the model learns
a missing-value branch and leans less on that input. ``choose_remediation`` applies a rule written
before looking to a scorecard measured on validation rows, so the test rows judge only the winner.

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"x": range(10), "y": range(10)})
    >>> int(inject_missing(frame, "x", 0.3)["x"].isna().sum())
    3
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workshop_utils import SEED

__all__ = ["choose_remediation", "inject_missing"]


def inject_missing(frame: pd.DataFrame, column: str, share: float, seed: int = SEED) -> pd.DataFrame:
    """Copy of ``frame`` with ``column`` set to NaN in a random ``share`` of rows (seeded)."""
    if not 0 <= share <= 1:
        raise ValueError(f"share={share} must be between 0 and 1")
    out = frame.copy()
    out[column] = out[column].astype("float64")
    chosen = np.random.default_rng(seed).choice(len(out), size=round(share * len(out)), replace=False)
    out.iloc[chosen, out.columns.get_loc(column)] = np.nan
    return out


def choose_remediation(scorecard: pd.DataFrame, accuracy: str, tolerance: float,
                       fewest: Sequence[str]) -> str:
    """The row of ``scorecard`` (one row per candidate, the first one the baseline) that a rule
    chooses: drop candidates whose ``accuracy`` is more than ``tolerance`` below the baseline's,
    then take the fewest of each column in ``fewest``, in order (ties go to the next column, then
    to the earlier row).

    >>> card = pd.DataFrame({"AUC": [0.80, 0.75, 0.80], "flags": [5, 0, 1]}, index=["a", "b", "c"])
    >>> choose_remediation(card, "AUC", 0.01, ["flags"])
    'c'
    """
    allowed = scorecard[scorecard[accuracy] >= scorecard[accuracy].iloc[0] - tolerance]
    return str(allowed.sort_values(list(fewest), kind="stable").index[0])
