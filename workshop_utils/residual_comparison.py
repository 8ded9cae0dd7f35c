"""Two models' residuals on the same rows, compared: row by row (where is one much worse?) and on
average, with a bootstrap interval for the mean difference, overall and within groups.

Use it to set a model against a benchmark (lesson 07's GBM against its GLM) or a model against
its own remediated version (after - before: left of zero is better).

Example:
    >>> comparison = compare_residuals(pd.Series([0.1, 2.5]), pd.Series([0.2, 0.9]))
    >>> comparison["difference"].round(2).tolist()
    [-0.1, 1.6]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workshop_utils import SEED
from workshop_utils.plots import RISK_DOWN, RISK_UP, plt

__all__ = ["bootstrap_by_group", "bootstrap_difference", "compare_residuals", "much_worse",
           "plot_difference_intervals", "plot_residual_comparison"]


def compare_residuals(first: pd.Series, second: pd.Series,
                      names: tuple[str, str] = ("gbm", "glm")) -> pd.DataFrame:
    """The two models' residuals side by side, and ``difference`` = first minus second
    (positive where the first model is worse)."""
    table = pd.DataFrame({names[0]: first, names[1]: second})
    table["difference"] = table[names[0]] - table[names[1]]
    return table


def much_worse(comparison: pd.DataFrame, margin: float = 1.0) -> pd.DataFrame:
    """Rows where the first model's residual exceeds the second's by more than ``margin``,
    largest difference first.

    >>> table = compare_residuals(pd.Series([0.1, 2.5, 1.5]), pd.Series([0.2, 0.9, 1.0]))
    >>> much_worse(table, margin=0.4).index.tolist()
    [1, 2]
    """
    worse = comparison[comparison["difference"] > margin]
    return worse.sort_values("difference", ascending=False, kind="stable")


def bootstrap_difference(first: Sequence[float], second: Sequence[float], n_boot: int = 1000,
                         seed: int = SEED) -> pd.Series:
    """Mean of the paired row differences ``first - second`` (e.g. two models' residuals on the
    same rows) and a 95 % bootstrap interval for it: if the interval holds 0, the change could be
    noise.

    >>> bootstrap_difference([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]).tolist()
    [0.0, 0.0, 0.0]
    """
    difference = np.asarray(first, dtype=float) - np.asarray(second, dtype=float)
    rng = np.random.default_rng(seed)
    means = np.array([difference[rng.integers(0, len(difference), len(difference))].mean()
                      for _ in range(n_boot)])
    low, high = np.quantile(means, [0.025, 0.975])
    return pd.Series({"mean": difference.mean(), "low": low, "high": high})


def bootstrap_by_group(first: pd.Series, second: pd.Series, groups: pd.Series,
                       n_boot: int = 1000, seed: int = SEED) -> pd.DataFrame:
    """``bootstrap_difference`` on all rows (``"all"``) and within each level of ``groups``:
    one row per group, columns mean, low, high.

    >>> a, b = pd.Series([1.0, 2.0, 3.0, 4.0]), pd.Series([1.0, 2.0, 2.0, 3.0])
    >>> bootstrap_by_group(a, b, pd.Series(["x", "x", "y", "y"]))["mean"].to_dict()
    {'all': 0.5, 'x': 0.0, 'y': 1.0}
    """
    rows = {"all": bootstrap_difference(first, second, n_boot, seed)}
    for level, index in first.groupby(groups, observed=True).groups.items():
        rows[str(level)] = bootstrap_difference(first.loc[index], second.loc[index], n_boot, seed)
    return pd.DataFrame(rows).T


def plot_difference_intervals(tables: dict[str, pd.DataFrame], title: str,
                              xlabel: str = "change in mean logloss (after - before)") -> Figure:
    """Mean differences with their 95 % intervals (``bootstrap_by_group`` tables), one colour
    per table (e.g. per remediation), one line per group; left of zero is better."""
    labels = list(next(iter(tables.values())).index)
    figure, axes = plt.subplots(figsize=(7.5, 0.4 * len(labels) * len(tables) + 1.5))
    colours = plt.cm.tab10(np.arange(len(tables)))
    for number, (colour, (name, table)) in enumerate(zip(colours, tables.items())):
        position = np.arange(len(labels))[::-1] - 0.3 * (number - (len(tables) - 1) / 2)
        table = table.loc[labels]
        axes.errorbar(table["mean"], position, xerr=[table["mean"] - table["low"], table["high"] - table["mean"]],
                      fmt="o", color=colour, capsize=3, label=name)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(np.arange(len(labels))[::-1], labels)
    axes.set(title=title, xlabel=xlabel)
    axes.legend(fontsize=8, loc="best")
    figure.tight_layout()
    return figure


def plot_residual_comparison(comparison: pd.DataFrame, y: Sequence[int], margin: float = 1.0,
                             names: tuple[str, str] = ("gbm", "glm")) -> Figure:
    """Scatter of one model's residuals against the other's, coloured by actual outcome, with the
    diagonal (equal residuals) and the band beyond which the first model is ``margin`` worse."""
    first, second = names
    outcome = np.asarray(y)
    figure, axes = plt.subplots(figsize=(6.5, 6))
    for label, colour, text in ((0, RISK_DOWN, "actual: no default"), (1, RISK_UP, "actual: default")):
        rows = comparison[outcome == label]
        axes.scatter(rows[second], rows[first], s=6, alpha=0.35, color=colour, label=text)
    top = float(comparison[[first, second]].to_numpy().max()) * 1.05
    axes.plot([0, top], [0, top], color="black", linewidth=1, label="equal residuals")
    axes.plot([0, top - margin], [margin, top], color="black", linewidth=1, linestyle="--",
              label=f"{first.upper()} worse by {margin:g}")
    axes.set(xlim=(0, top), ylim=(0, top), xlabel=f"{second.upper()} logloss residual",
             ylabel=f"{first.upper()} logloss residual",
             title=f"Row by row: {first.upper()} against {second.upper()} residuals")
    axes.legend(loc="upper left", fontsize=8, markerscale=2)
    figure.tight_layout()
    return figure
