"""Remediations the debugging lessons share.

Missing-value injection: blank out a share of one input in the training rows, so the model learns
a missing-value branch and leans less on that input.

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"x": range(10), "y": range(10)})
    >>> int(inject_missing(frame, "x", 0.3)["x"].isna().sum())
    3
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workshop_utils import SEED

__all__ = ["inject_missing"]


def inject_missing(frame: pd.DataFrame, column: str, share: float, seed: int = SEED) -> pd.DataFrame:
    """Copy of ``frame`` with ``column`` set to NaN in a random ``share`` of rows (seeded)."""
    if not 0 <= share <= 1:
        raise ValueError(f"share={share} must be between 0 and 1")
    out = frame.copy()
    out[column] = out[column].astype("float64")
    chosen = np.random.default_rng(seed).choice(len(out), size=round(share * len(out)), replace=False)
    out.iloc[chosen, out.columns.get_loc(column)] = np.nan
    return out
