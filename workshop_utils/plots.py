"""The plotting base and the figures several lessons end on: importance bars, partial dependence
with ICE, reason codes.

Every module that draws imports ``plt`` and the colours from here, so the backend is chosen once
(headless outside Jupyter: tests, graders, CI) and every figure speaks the same colours: red
(``RISK_UP``) where risk rises, blue (``RISK_DOWN``) where it falls.

Example:
    >>> import pandas as pd
    >>> figure = plot_importance(pd.Series({"PAY_0": 0.5, "LIMIT_BAL": 0.2}), "Importance")
"""

from __future__ import annotations

import matplotlib

INLINE_BACKENDS = {"module://matplotlib_inline.backend_inline", "inline"}
if matplotlib.get_backend().lower() not in INLINE_BACKENDS:
    matplotlib.use("Agg")  # headless outside Jupyter (tests, graders, CI)

import matplotlib.pyplot as plt  # noqa: E402 (after the backend is chosen)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

__all__ = ["NEUTRAL", "RISK_DOWN", "RISK_UP", "panel_grid", "plot_importance", "plot_pd_ice",
           "plot_pd_ice_grid", "plot_reason_codes", "plt", "shade_outside_range"]

RISK_UP, RISK_DOWN = "#c0392b", "#2471a3"
"""Red where the risk of default rises, blue where it falls."""

NEUTRAL = "0.3"
"""Grey for reference lines (zero, a cutoff)."""


def panel_grid(count: int, columns: int, panel: tuple[float, float], **options) -> tuple[Figure, np.ndarray]:
    """A figure of ``count`` panels, ``columns`` to a row, each ``panel`` = (width, height)
    inches; the panels past ``count`` in the last row are hidden. Returns the figure and the
    2-D array of axes (``options`` go to ``plt.subplots``, e.g. ``sharex=True``).

    >>> figure, grid = panel_grid(3, 2, (4, 3))
    >>> grid.shape, [axes.get_visible() for axes in grid.ravel()]
    ((2, 2), [True, True, True, False])
    """
    rows = max(1, -(-count // columns))
    figure, grid = plt.subplots(rows, columns, figsize=(panel[0] * columns, panel[1] * rows), squeeze=False, **options)
    for axes in grid.ravel()[count:]:
        axes.set_visible(False)
    return figure, grid


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
    figure, grid = panel_grid(len(curves), columns, (6, 4))
    for number, (axes, (name, (pd_curve, ice))) in enumerate(zip(grid.ravel(), curves.items())):
        plot_pd_ice(pd_curve, ice, data[name], labels, axes, legend=number == 0)
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


def shade_outside_range(axes: plt.Axes, x: np.ndarray, low: float, high: float) -> None:
    """Shade the parts of ``axes`` from ``x``'s smallest value up to ``low`` and from ``high``
    to its largest (where the model never saw data), and fit the x axis to ``x``."""
    axes.axvspan(x.min(), low, color=RISK_UP, alpha=0.08, zorder=0)
    axes.axvspan(high, x.max(), color=RISK_UP, alpha=0.08, zorder=0, label="outside training data")
    axes.set_xlim(x.min(), x.max())
