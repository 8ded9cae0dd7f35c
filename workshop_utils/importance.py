"""Global importances side by side: permutation importance with intervals, and how far several
importances agree on the ranking of the inputs (Kendall's tau).

Permutation importance itself is scikit-learn's (``sklearn.inspection.permutation_importance``);
this module turns its repeats into a table with intervals and compares rankings.

Example:
    >>> import pandas as pd
    >>> a = pd.Series({"x": 3.0, "y": 2.0, "z": 1.0})
    >>> round(rank_agreement(a, pd.Series({"x": 30.0, "y": 10.0, "z": 20.0})), 4)
    0.3333
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from workshop_utils.plots import NEUTRAL, RISK_DOWN, panel_grid

__all__ = ["agreement_table", "permutation_table", "plot_importances", "rank_agreement", "ranks"]


def permutation_table(repeats: np.ndarray, names: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """One row per input (largest mean first): the ``mean`` and ``std`` of its score drops over
    the repeats (``repeats``: inputs by repeats, as scikit-learn's ``importances``), and a
    ``level`` t-interval of the mean, ``low`` to ``high``.

    >>> permutation_table(np.array([[0.1, 0.3], [0.0, 0.0]]), ["a", "b"]).round(3).to_dict("list")
    {'mean': [0.2, 0.0], 'std': [0.1, 0.0], 'low': [-1.071, 0.0], 'high': [1.471, 0.0]}
    """
    drops = np.asarray(repeats, dtype=float)
    count = drops.shape[1]
    mean, std = drops.mean(axis=1), drops.std(axis=1)  # std as scikit-learn reports it (ddof=0)
    half = stats.t.ppf(0.5 + level / 2, count - 1) * drops.std(axis=1, ddof=1) / np.sqrt(count) if count > 1 else 0.0
    table = pd.DataFrame({"mean": mean, "std": std, "low": mean - half, "high": mean + half}, index=list(names))
    return table.sort_values("mean", ascending=False, kind="stable")


def rank_agreement(first: pd.Series, second: pd.Series) -> float:
    """Kendall's tau (tau-b, ties allowed) between two importances of the same inputs: 1 when
    they rank the inputs alike, -1 when one reverses the other, near 0 when unrelated."""
    common = first.index.intersection(second.index, sort=False)
    if len(common) != len(first) or len(common) != len(second):
        raise ValueError("the two importances must name the same inputs")
    return float(stats.kendalltau(first[common].to_numpy(), second[common].to_numpy()).statistic)


def agreement_table(importances: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Kendall's tau between every two of ``importances`` (a name for each), as a square table.

    >>> a, b = pd.Series({"x": 1.0, "y": 2.0}), pd.Series({"x": 2.0, "y": 1.0})
    >>> agreement_table({"A": a, "B": b}).to_dict()
    {'A': {'A': 1.0, 'B': -1.0}, 'B': {'A': -1.0, 'B': 1.0}}
    """
    names = list(importances)
    return pd.DataFrame([[rank_agreement(importances[r], importances[c]) for c in names] for r in names],
                        index=names, columns=names)


def ranks(importances: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Each input's rank (1 = most important) under each importance, ordered by the first.

    >>> ranks({"A": pd.Series({"x": 1.0, "y": 2.0}), "B": pd.Series({"x": 5.0, "y": 3.0})}).to_dict("list")
    {'A': [1, 2], 'B': [2, 1]}
    """
    table = pd.DataFrame({name: values.rank(ascending=False, method="min").astype(int)
                          for name, values in importances.items()})
    return table.sort_values(next(iter(importances)), kind="stable")


def plot_importances(permutation: pd.DataFrame, others: Mapping[str, pd.Series],
                     labels: Mapping[str, str], permutation_label: str) -> Figure:
    """Side by side, one panel each, the inputs in the same order (by mean permutation
    importance, largest on top): permutation importance with its interval as error bars, then
    each of ``others``; ``labels`` names each panel's x axis."""
    order = permutation.index[::-1]
    figure, grid = panel_grid(1 + len(others), 1 + len(others), (3.4, 0.26 * len(order) + 1.3), sharey=True)
    first = grid[0, 0]
    errors = np.vstack([permutation.loc[order, "mean"] - permutation.loc[order, "low"],
                        permutation.loc[order, "high"] - permutation.loc[order, "mean"]])
    first.barh(order, permutation.loc[order, "mean"], xerr=errors, color=RISK_DOWN, ecolor=NEUTRAL, capsize=2)
    first.axvline(0, color=NEUTRAL, linewidth=0.8)
    first.set(title="permutation", xlabel=permutation_label)
    for axes, (name, values) in zip(grid[0, 1:], others.items()):
        axes.barh(order, values.reindex(order).to_numpy(), color=RISK_DOWN)
        axes.set(title=name, xlabel=labels[name])
    figure.tight_layout()
    return figure
