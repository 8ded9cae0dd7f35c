"""Figures the lessons end on: importance bars, partial dependence with ICE, reason codes.

Example:
    >>> import pandas as pd
    >>> figure = plot_importance(pd.Series({"PAY_0": 0.5, "LIMIT_BAL": 0.2}), "Importance")
"""

from __future__ import annotations

import matplotlib

if matplotlib.get_backend().lower() not in {"module://matplotlib_inline.backend_inline", "inline"}:
    matplotlib.use("Agg")  # headless outside Jupyter (tests, graders, CI)

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

RISK_UP, RISK_DOWN = "#c0392b", "#2471a3"


def plot_importance(importance: pd.Series, title: str, xlabel: str = "mean |Shapley value| (log-odds)",
                    top: int = 12) -> Figure:
    """Horizontal bars of the ``top`` most important inputs, largest on top."""
    shown = importance.head(top)[::-1]
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(shown) + 1.2))
    axes.barh(shown.index, shown.to_numpy(), color=RISK_DOWN)
    axes.set(title=title, xlabel=xlabel)
    figure.tight_layout()
    return figure


def plot_pd_ice(pd_curve: pd.Series, ice: pd.DataFrame, values: pd.Series,
                labels: pd.Series | None = None, axes: plt.Axes | None = None,
                legend: bool = True) -> plt.Axes:
    """Partial dependence (thick) over ICE curves (thin, one per chosen row, labelled by
    ``labels``), on top of a histogram of the input's values in the data."""
    if axes is None:
        _, axes = plt.subplots(figsize=(6, 4))
    grid = pd_curve.index.to_numpy(dtype=float)
    feature = pd_curve.index.name or values.name
    histogram = axes.twinx()
    inside = values[(values >= grid.min()) & (values <= grid.max())]
    histogram.hist(inside, bins=min(30, max(len(grid), 5)), color="0.85", zorder=0)
    histogram.set_ylabel("rows in the data", color="0.5")
    histogram.tick_params(axis="y", colors="0.5")
    axes.set_zorder(histogram.get_zorder() + 1)
    axes.patch.set_visible(False)
    colours = plt.cm.viridis(np.linspace(0, 0.9, len(ice)))
    for colour, (row, curve) in zip(colours, ice.iterrows()):
        label = f"ICE {labels[row]}" if labels is not None else None
        axes.plot(grid, curve.to_numpy(), color=colour, linewidth=1, alpha=0.8, label=label)
    axes.plot(grid, pd_curve.to_numpy(), color="black", linewidth=3, label="partial dependence")
    axes.set(xlabel=feature, ylabel="predicted probability of default", title=f"{feature}")
    if legend:
        axes.legend(fontsize=7, loc="best")
    return axes


def plot_pd_ice_grid(curves: dict[str, tuple[pd.Series, pd.DataFrame]], data: pd.DataFrame,
                     labels: pd.Series | None = None, columns: int = 2) -> Figure:
    """One ``plot_pd_ice`` panel per input: ``curves`` maps input to (partial dependence, ICE)."""
    rows = int(np.ceil(len(curves) / columns))
    figure, grid = plt.subplots(rows, columns, figsize=(6 * columns, 4 * rows), squeeze=False)
    for number, (axes, (name, (pd_curve, ice))) in enumerate(zip(grid.ravel(), curves.items())):
        plot_pd_ice(pd_curve, ice, data[name], labels, axes, legend=number == 0)
    for axes in grid.ravel()[len(curves):]:
        axes.set_visible(False)
    figure.tight_layout()
    return figure


def plot_reason_codes(codes: pd.DataFrame, title: str) -> Figure:
    """Bars of a customer's reason codes (a ``shapley.reason_codes`` table), top reason on top."""
    shown = codes.iloc[::-1]
    figure, axes = plt.subplots(figsize=(7, 0.5 * len(shown) + 1.2))
    axes.barh(shown["reason"], shown["contribution"], color=RISK_UP)
    axes.set(title=title, xlabel="Shapley contribution to the log-odds of default")
    figure.tight_layout()
    return figure
