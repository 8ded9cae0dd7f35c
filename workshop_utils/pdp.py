"""Partial dependence and individual conditional expectation (ICE), for any model.

The functions take a ``predict`` callable (a frame in, one probability per row out), so the same
code serves XGBoost, H2O and scikit-learn models. Every grid point is scored in one call
(``score_versions``, which sensitivity analysis and LOCO use too).

Example:
    >>> import pandas as pd
    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0], "z": [1.0, 1.0, 0.0]})
    >>> predict = lambda frame: (frame["x"] * 0.1 + frame["z"]).to_numpy()
    >>> partial_dependence(predict, X, "x", [0.0, 1.0]).round(3).tolist()
    [0.667, 0.767]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

__all__ = ["Predict", "ice_curves", "make_grid", "partial_dependence", "rows_at_percentiles",
           "score_versions"]

Predict = Callable[[pd.DataFrame], np.ndarray]


def make_grid(values: pd.Series, resolution: int = 20,
              percentiles: tuple[float, float] = (0.01, 0.99)) -> np.ndarray:
    """Grid for a curve: every distinct value when there are at most ``resolution`` of them,
    else ``resolution`` quantiles between the given ``percentiles`` (duplicates dropped).

    >>> make_grid(pd.Series([3, 1, 2, 2])).tolist()
    [1.0, 2.0, 3.0]
    """
    distinct = np.unique(values.dropna().to_numpy(dtype=float))
    if len(distinct) <= resolution:
        return distinct
    levels = np.linspace(percentiles[0], percentiles[1], resolution)
    return np.unique(np.quantile(values.dropna().to_numpy(dtype=float), levels))


def score_versions(predict: Predict, versions: Sequence[pd.DataFrame]) -> np.ndarray:
    """Predictions for several versions of the same rows (equal-length frames with the same
    columns), stacked and scored in ONE ``predict`` call: one row of scores per version.

    >>> X = pd.DataFrame({"x": [1.0, 2.0]})
    >>> score_versions(lambda f: f["x"].to_numpy(), [X, X * 10]).tolist()
    [[1.0, 2.0], [10.0, 20.0]]
    """
    stacked = pd.concat(versions, ignore_index=True)
    return np.asarray(predict(stacked), dtype=float).reshape(len(versions), len(versions[0]))


def ice_curves(predict: Predict, X: pd.DataFrame, feature: str,
               grid: Sequence[float]) -> pd.DataFrame:
    """One row per row of ``X``, one column per grid value: the prediction with ``feature`` set
    to that value and every other input left as it is.

    >>> X = pd.DataFrame({"x": [0.0, 1.0]})
    >>> ice_curves(lambda f: f["x"].to_numpy() * 2, X, "x", [5.0]).to_numpy().ravel().tolist()
    [10.0, 10.0]
    """
    grid = np.asarray(grid, dtype=float)
    scores = score_versions(predict, [X.assign(**{feature: value}) for value in grid])
    return pd.DataFrame(scores.T, index=X.index, columns=pd.Index(grid, name=feature))


def partial_dependence(predict: Predict, X: pd.DataFrame, feature: str,
                       grid: Sequence[float]) -> pd.Series:
    """Average prediction over the rows of ``X`` at each grid value of ``feature``."""
    return ice_curves(predict, X, feature, grid).mean(axis=0)


def rows_at_percentiles(predictions: pd.Series,
                        percentiles: Sequence[float] = (0, 10, 50, 90, 99, 100)) -> pd.Series:
    """For each percentile, the index label of the row at that rank among the sorted
    predictions: the customers whose ICE curves a lesson draws.

    >>> rows_at_percentiles(pd.Series([0.1, 0.5, 0.9], index=[7, 8, 9]), [0, 50, 100]).tolist()
    [7, 8, 9]
    """
    ordered = predictions.sort_values(kind="stable")
    positions = np.round(np.asarray(percentiles) / 100 * (len(ordered) - 1)).astype(int)
    return pd.Series(ordered.index[positions], index=pd.Index(percentiles, name="percentile"))
