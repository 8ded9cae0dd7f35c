"""Residuals of a probability model: per-row logloss, and summaries by group or input bin.

Example:
    >>> import numpy as np
    >>> logloss_residuals(np.array([1, 0]), np.array([0.9, 0.9])).round(3).tolist()
    [0.105, 2.303]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EPSILON = 1e-15


def logloss_residuals(y_true: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """Each row's contribution to the logloss: -log(p) for an actual 1, -log(1-p) for a 0.
    Their mean is scikit-learn's ``log_loss``."""
    p = np.clip(np.asarray(probability, dtype=float), EPSILON, 1 - EPSILON)
    y = np.asarray(y_true, dtype=float)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def residual_summary(residual: pd.Series, by: pd.Series, bins: int | None = None) -> pd.DataFrame:
    """Count, mean and max of ``residual`` per level of ``by`` (or per quantile bin of ``by``
    when ``bins`` is given), worst mean first.

    >>> r = pd.Series([0.1, 0.2, 2.0]); g = pd.Series(["a", "a", "b"])
    >>> residual_summary(r, g)["mean"].round(2).to_dict()
    {'b': 2.0, 'a': 0.15}
    """
    groups = pd.qcut(by, bins, duplicates="drop") if bins else by
    table = residual.groupby(groups, observed=True).agg(["count", "mean", "max"])
    return table.sort_values("mean", ascending=False, kind="stable")
