"""Residuals of a probability model: per-row logloss, summaries by group or input bin, and the
figures of residuals by actual outcome and by input.

Example:
    >>> import numpy as np
    >>> logloss_residuals(np.array([1, 0]), np.array([0.9, 0.9])).round(3).tolist()
    [0.105, 2.303]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workshop_utils.pdp import Predict, ice_curves
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, panel_grid, plt, shade_outside_range

__all__ = ["EPSILON", "logloss_residuals", "plot_residual_dependence", "plot_residuals_by_input",
           "plot_residuals_by_outcome", "residual_dependence", "residual_summary", "residuals_by_input"]

EPSILON = 1e-15


def logloss_residuals(y_true: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """Each row's contribution to the logloss: -log(p) for an actual 1, -log(1-p) for a 0.
    Their mean is scikit-learn's ``log_loss``."""
    p = np.clip(np.asarray(probability, dtype=float), EPSILON, 1 - EPSILON)
    y = np.asarray(y_true, dtype=float)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def residual_dependence(predict: Predict, X: pd.DataFrame, y: Sequence[float], feature: str,
                        grid: Sequence[float]) -> pd.Series:
    """Partial dependence of the residuals: the mean logloss residual against the real outcomes
    ``y`` with ``feature`` set to each grid value for every row of ``X`` (one ``predict`` call).

    >>> predict = lambda f: f["x"].to_numpy()
    >>> residual_dependence(predict, pd.DataFrame({"x": [0.5, 0.5]}), [1, 0], "x", [0.5]).round(4).tolist()
    [0.6931]
    """
    curves = ice_curves(predict, X, feature, grid)
    losses = logloss_residuals(np.asarray(y, dtype=float)[:, None], curves.to_numpy())
    return pd.Series(losses.mean(axis=0), index=curves.columns, name="mean logloss residual")


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


def residuals_by_input(residual: pd.Series, frame: pd.DataFrame, inputs: Sequence[str],
                       bins: int = 5, max_levels: int = 12) -> dict[str, pd.DataFrame]:
    """:func:`residual_summary` for each input, in the input's own order: by level when
    it has at most ``max_levels`` distinct values, else by ``bins`` quantile bins.

    >>> r = pd.Series([0.1, 0.2, 2.0]); X = pd.DataFrame({"PAY_0": [0, 0, 2]})
    >>> residuals_by_input(r, X, ["PAY_0"])["PAY_0"]["mean"].round(2).tolist()
    [0.15, 2.0]
    """
    tables = {}
    for name in inputs:
        few = frame[name].nunique() <= max_levels
        table = residual_summary(residual, frame[name], bins=None if few else bins)
        tables[name] = table.sort_index()
    return tables


def plot_residuals_by_outcome(residual: pd.Series, actual: pd.Series, bins: int = 40) -> Figure:
    """Left: histograms of the logloss residuals for each actual outcome, with each mean marked.
    Right: the same residuals as box plots, side by side."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [2, 1]})
    edges = np.linspace(0, float(residual.max()), bins + 1)
    groups = [(0, "did not default", RISK_DOWN), (1, "defaulted", RISK_UP)]
    for value, label, colour in groups:
        part = residual[actual == value]
        left.hist(part, bins=edges, color=colour, alpha=0.55, label=f"{label} ({len(part)} rows)")
        left.axvline(part.mean(), color=colour, linestyle="--", linewidth=1.5,
                     label=f"mean {part.mean():.3f}")
    left.set(yscale="log", xlabel="logloss residual", ylabel="rows (log scale)",
             title="Residuals by actual outcome")
    left.legend(fontsize=8)
    boxes = right.boxplot([residual[actual == v] for v, _, _ in groups], vert=True, widths=0.5,
                          patch_artist=True, flierprops={"markersize": 2, "alpha": 0.3})
    for patch, (_, _, colour) in zip(boxes["boxes"], groups):
        patch.set(facecolor=colour, alpha=0.55)
    right.set_xticks([1, 2], [label for _, label, _ in groups])
    right.set(ylabel="logloss residual", title="Spread by outcome")
    figure.tight_layout()
    return figure


def _bin_label(level: object) -> str:
    """Short tick label for a level or a quantile bin (amounts in thousands)."""
    if isinstance(level, pd.Interval):
        return f"{level.left / 1000:,.0f}k to {level.right / 1000:,.0f}k"
    return f"{level:g}" if isinstance(level, (int, float, np.number)) else str(level)


def plot_residuals_by_input(tables: Mapping[str, pd.DataFrame], overall: float,
                            columns: int = 2) -> Figure:
    """One panel per input: mean residual per level or bin (bars, labelled with the row count),
    against the overall mean residual (dashed line); bars above it are red."""
    figure, grid = panel_grid(len(tables), columns, (6, 3.45))  # a little over 3.2 a row: room for the title
    for axes, (name, table) in zip(grid.ravel(), tables.items()):
        labels = [_bin_label(level) for level in table.index]
        colours = [RISK_UP if m > overall else RISK_DOWN for m in table["mean"]]
        bars = axes.bar(range(len(table)), table["mean"], color=colours, alpha=0.8)
        axes.bar_label(bars, labels=[f"n={n}" for n in table["count"]], fontsize=6.5, padding=1)
        axes.axhline(overall, color=NEUTRAL, linestyle="--", linewidth=1)
        axes.set_xticks(range(len(table)), labels, fontsize=7.5)
        axes.set(title=name, ylabel="mean logloss residual")
        axes.set_ylim(0, float(table["mean"].max()) * 1.15)
    figure.suptitle(f"Mean residual by group (n = test rows in the group); dashed line: overall "
                    f"mean {overall:.3f}", fontsize=10)
    figure.tight_layout()
    return figure


def plot_residual_dependence(curves: Mapping[str, pd.Series], real: float, ranges: pd.DataFrame,
                             columns: int = 2) -> Figure:
    """One panel per input: the partial dependence of the residuals (from
    ``residual_dependence``) against the mean residual at the real values (dashed), with the
    region outside the training range (``ranges``: columns ``min`` and ``max``) shaded."""
    figure, grid = panel_grid(len(curves), columns, (6, 2.6), sharey=True)
    for axes, (name, curve) in zip(grid.ravel(), curves.items()):
        x = curve.index.to_numpy(dtype=float)
        axes.plot(x, curve.to_numpy(), color=RISK_UP, marker=".", label="everyone set to this value")
        axes.axhline(real, color=NEUTRAL, linestyle="--", linewidth=1, label="everyone at their real value")
        shade_outside_range(axes, x, ranges.loc[name, "min"], ranges.loc[name, "max"])
        axes.set_xlabel(name)
    for axes in grid[:, 0]:
        axes.set_ylabel("mean logloss residual")
    handles, names = grid[0, 0].get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", ncol=len(names), fontsize=8)
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    return figure
