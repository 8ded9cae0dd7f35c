"""Did a remediation help? The change in a test metric between two models scored on the same rows,
with a paired bootstrap interval: every resample draws one set of rows and scores BOTH models on
it, so the row-to-row noise the two models share cancels in the difference.

The resamples are drawn once (``bootstrap_samples``, seeded) and passed in, so every metric and
every comparison uses exactly the same rows. AUC is computed for all resamples at once from row
weights (how often each row was drawn): the Mann-Whitney form of the AUC, with ties counted half.

Example:
    >>> samples = bootstrap_samples(4, n_boot=3, seed=0)
    >>> samples.shape
    (3, 4)
    >>> resampled_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], np.array([[0, 1, 2, 3]])).tolist()
    [0.75]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from workshop_utils import SEED
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, plt
from workshop_utils.residuals import logloss_residuals

__all__ = ["auc_changes", "bootstrap_samples", "compare_models", "interval", "logloss_changes", "paired_auc_change",
           "paired_logloss_change", "plot_metric_changes", "resampled_auc"]

LEVEL = 0.95
"""Coverage of the intervals: the 2.5th and 97.5th percentiles of the resampled changes."""


def bootstrap_samples(n_rows: int, n_boot: int = 1000, seed: int = SEED) -> np.ndarray:
    """``n_boot`` resamples of ``n_rows`` row positions, drawn with replacement (seeded): one row
    of the result per resample.

    >>> bootstrap_samples(5, n_boot=2, seed=1).max() < 5
    np.True_
    """
    return np.random.default_rng(seed).integers(0, n_rows, size=(n_boot, n_rows))


def resampled_auc(y_true: Sequence[int], score: Sequence[float], samples: np.ndarray, chunk: int = 200) -> np.ndarray:
    """ROC AUC of ``score`` on each resample of rows (``samples``: one row of positions per
    resample), computed from row weights; equal to scikit-learn's ``roc_auc_score`` on
    ``y_true[rows]``, ``score[rows]`` for each resample.

    >>> resampled_auc([0, 1, 1], [0.2, 0.2, 0.9], np.array([[0, 1, 2], [0, 0, 2]])).tolist()
    [0.75, 1.0]
    """
    y = np.asarray(y_true).astype(bool)
    values, groups = np.unique(np.asarray(score, dtype=float), return_inverse=True)  # ties share a group
    result = []
    for first in range(0, len(samples), chunk):
        rows = np.asarray(samples[first:first + chunk])
        keys = groups[rows] + np.arange(len(rows))[:, None] * len(values)  # one block of groups per resample
        drawn_positive = y[rows]
        positive, negative = (np.bincount(keys[mask], minlength=len(rows) * len(values)).reshape(len(rows), -1)
                              for mask in (drawn_positive, ~drawn_positive))
        below = np.cumsum(negative, axis=1) - negative  # negatives with a strictly lower score
        pairs = positive.sum(axis=1) * negative.sum(axis=1)
        result.append((positive * (below + 0.5 * negative)).sum(axis=1) / pairs)
    return np.concatenate(result)


def interval(full: float, resampled: np.ndarray) -> pd.Series:
    """The change on all rows and the percentile interval of its resampled values.

    >>> interval(0.5, np.arange(101.0)).round(6).tolist()
    [0.5, 2.5, 97.5]
    """
    low, high = np.percentile(resampled, [50 * (1 - LEVEL), 50 * (1 + LEVEL)])
    return pd.Series({"change": float(full), "low": float(low), "high": float(high)})


def auc_changes(y_true: Sequence[int], before: Sequence[float], after: Sequence[float],
                samples: np.ndarray) -> np.ndarray:
    """AUC of ``after`` minus AUC of ``before`` on each resample, both on the same rows.

    >>> auc_changes([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], [0.1, 0.4, 0.3, 0.5], np.array([[0, 1, 2, 3], [0, 1, 2, 1]])).tolist()
    [0.25, 0.5]
    """
    return resampled_auc(y_true, after, samples) - resampled_auc(y_true, before, samples)


def logloss_changes(y_true: Sequence[int], before: Sequence[float], after: Sequence[float],
                    samples: np.ndarray) -> np.ndarray:
    """Log loss of ``after`` minus log loss of ``before`` on each resample (the mean of the rows'
    paired residual differences over the resampled rows).

    >>> logloss_changes([1, 0], [0.5, 0.5], [0.5, 0.5], np.array([[0, 1], [1, 1]])).tolist()
    [0.0, 0.0]
    """
    y = np.asarray(y_true)
    difference = (logloss_residuals(y, np.asarray(after, dtype=float))
                  - logloss_residuals(y, np.asarray(before, dtype=float)))
    return difference[np.asarray(samples)].mean(axis=1)


def paired_auc_change(y_true: Sequence[int], before: Sequence[float], after: Sequence[float],
                      samples: np.ndarray) -> pd.Series:
    """AUC of ``after`` minus AUC of ``before`` on all rows (``change``), and a 95 % paired
    bootstrap interval (``low``, ``high``): both models are scored on the same resampled rows.
    Above zero: the new model ranks better.

    >>> paired_auc_change([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], [0.1, 0.4, 0.3, 0.5], np.array([[0, 1, 2, 3]])).tolist()
    [0.25, 0.25, 0.25]
    """
    everyone = np.arange(len(np.asarray(y_true)))[None, :]
    return interval(auc_changes(y_true, before, after, everyone)[0], auc_changes(y_true, before, after, samples))


def paired_logloss_change(y_true: Sequence[int], before: Sequence[float], after: Sequence[float],
                          samples: np.ndarray) -> pd.Series:
    """Log loss of ``after`` minus log loss of ``before`` (``change``; below zero: the new model's
    probabilities are better), with a 95 % paired bootstrap interval on the same resampled rows.

    >>> paired_logloss_change([1, 0], [0.5, 0.5], [0.5, 0.5], np.array([[0, 1], [1, 1]])).tolist()
    [0.0, 0.0, 0.0]
    """
    everyone = np.arange(len(np.asarray(y_true)))[None, :]
    return interval(logloss_changes(y_true, before, after, everyone)[0], logloss_changes(y_true, before, after, samples))


def compare_models(y_true: Sequence[int], before: Sequence[float], after: Sequence[float],
                   samples: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both metrics' changes (after - before) on the same resamples: a table (one row per metric:
    change on all rows, low, high) and the resampled changes (one column per metric).

    >>> table, resampled = compare_models([0, 1, 0, 1], [0.1, 0.6, 0.3, 0.7], [0.1, 0.6, 0.3, 0.7],
    ...                                   np.array([[0, 1, 2, 3], [0, 1, 1, 2]]))
    >>> table.to_numpy().tolist(), resampled.shape
    ([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], (2, 2))
    """
    everyone = np.arange(len(np.asarray(y_true)))[None, :]
    rows, resampled = {}, {}
    for name, changes in (("AUC", auc_changes), ("log loss", logloss_changes)):
        resampled[name] = changes(y_true, before, after, samples)
        rows[name] = interval(changes(y_true, before, after, everyone)[0], resampled[name])
    return pd.DataFrame(rows).T, pd.DataFrame(resampled)


def plot_metric_changes(table: pd.DataFrame, resampled: pd.DataFrame, title: str) -> Figure:
    """``compare_models``' results, one panel per metric: the resampled changes (histogram), their 95 % interval (shaded), the
    change on all rows (solid line) and zero, no change (dashed)."""
    figure, axes = plt.subplots(1, len(resampled.columns), figsize=(7.2, 2.8), squeeze=False)
    for axis, name in zip(axes[0], resampled.columns):
        values, row = resampled[name], table.loc[name]
        axis.hist(values, bins=40, color=NEUTRAL, alpha=0.7)
        axis.axvspan(row["low"], row["high"], color=RISK_DOWN, alpha=0.15, label="95 % interval")
        axis.axvline(row["change"], color=RISK_DOWN, linewidth=2, label=f"all rows: {row['change']:+.4f}")
        axis.axvline(0, color=RISK_UP, linestyle="--", linewidth=1.2, label="no change")
        axis.set(xlabel=f"{name}: after - before", yticks=[])
        axis.xaxis.set_major_locator(MaxNLocator(4))
        axis.legend(fontsize=7, loc="upper left")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure
