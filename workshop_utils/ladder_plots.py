"""Lesson 08's figures that put the ladder's models side by side: ranks in each cross-validation
fold, importance, partial dependence and profit as the cutoff moves. Each model keeps its colour
and label (``model_ladder.COLOURS`` and ``LABELS``) in every figure.

Example:
    >>> curve = pd.Series([1.0e6, 2.0e6], index=[0.1, 0.2])
    >>> figure = plot_profit_curves({"glm": curve}, {"glm": 0.15})
    >>> [line.get_label() for line in figure.axes[0].get_lines()][:1]
    ['penalised GLM']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workshop_utils.model_ladder import COLOURS, LABELS
from workshop_utils.pdp import Predict, score_versions
from workshop_utils.plots import RISK_DOWN, panel_grid, plt

__all__ = ["partial_dependence_side_by_side", "plot_fold_ranks", "plot_importance_side_by_side", "plot_pd_side_by_side",
           "plot_profit_curves"]


def plot_fold_ranks(ranks: pd.DataFrame, title: str = "Rank of each model in each fold (1 = best)") -> Figure:
    """One panel per metric: each model's rank in each fold, as connected dots."""
    metrics = list(ranks.columns)
    models = list(dict.fromkeys(ranks.index.get_level_values("model")))
    folds = sorted(set(ranks.index.get_level_values("fold")))
    figure, grid = plt.subplots(1, len(metrics), figsize=(3.2 * len(metrics), 3.4), sharey=True)
    grid = np.atleast_1d(grid)
    for axes, metric in zip(grid, metrics):
        table = ranks[metric].unstack("model")
        for offset, name in zip(np.linspace(-0.12, 0.12, len(models)), models):
            axes.plot(np.asarray(folds) + offset, table[name], marker="o",
                      color=COLOURS.get(name, "black"), label=LABELS.get(name, name))
        axes.set(title=metric, xlabel="fold", xticks=folds)
        axes.set_yticks(range(1, len(models) + 1))
        axes.grid(axis="y", color="0.9")
    grid[0].set_ylim(len(models) + 0.4, 0.6)
    grid[0].set_ylabel("rank")
    grid[-1].legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_importance_side_by_side(importances: Mapping[str, pd.Series],
                                 title: str = "Mean |contribution| to the log-odds, test set") -> Figure:
    """One bar panel per model on a shared input axis (ordered by the last model's importance),
    so an input a model does not use shows as an empty row."""
    names = list(importances)
    order = list(importances[names[-1]].sort_values(ascending=True).index)
    figure, grid = plt.subplots(1, len(names), figsize=(3.6 * len(names), 0.28 * len(order) + 1.6),
                                sharey=True, sharex=True)
    for axes, name in zip(np.atleast_1d(grid), names):
        values = importances[name].reindex(order).fillna(0.0)
        axes.barh(order, values.to_numpy(), color=COLOURS.get(name, RISK_DOWN))
        axes.set(title=LABELS.get(name, name), xlabel="mean |contribution|")
        axes.tick_params(axis="y", labelsize=8)
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def partial_dependence_side_by_side(predicts: Mapping[str, Predict], X: pd.DataFrame,
                                    grids: Mapping[str, Sequence[float]]) -> dict[str, dict[str, pd.Series]]:
    """What :func:`plot_pd_side_by_side` draws: ``{input: {model: curve}}``, each curve the
    average prediction over ``X``'s rows with that input set to each value of its grid (the same
    as ``pdp.partial_dependence``), every input's versions scored in ONE call per model.

    >>> X = pd.DataFrame({"a": [0.0, 1.0], "b": [2.0, 4.0]})
    >>> curves = partial_dependence_side_by_side({"sum": lambda f: (f["a"] + f["b"]).to_numpy()}, X,
    ...                                          {"a": [0.0, 10.0], "b": [1.0]})
    >>> curves["a"]["sum"].tolist(), curves["b"]["sum"].tolist()
    ([3.0, 13.0], [1.5])
    """
    versions = [X.assign(**{name: value}) for name, grid in grids.items() for value in grid]
    curves: dict[str, dict[str, pd.Series]] = {name: {} for name in grids}
    for model, predict in predicts.items():
        means = score_versions(predict, versions).mean(axis=1)
        start = 0
        for name, grid in grids.items():
            index = pd.Index(np.asarray(grid, dtype=float), name=name)
            curves[name][model] = pd.Series(means[start:start + len(index)], index=index)
            start += len(index)
    return curves


def plot_pd_side_by_side(curves: Mapping[str, Mapping[str, pd.Series]], data: pd.DataFrame,
                         columns: int = 2) -> Figure:
    """One panel per input: every model's partial dependence curve over a histogram of the
    input; ``curves`` maps input -> model -> curve (indexed by grid value)."""
    figure, grid = panel_grid(len(curves), columns, (5.5, 3.6))
    for number, (axes, (feature, by_model)) in enumerate(zip(grid.ravel(), curves.items())):
        values = next(iter(by_model.values())).index.to_numpy(dtype=float)
        histogram = axes.twinx()
        inside = data[feature][(data[feature] >= values.min()) & (data[feature] <= values.max())]
        histogram.hist(inside, bins=min(30, max(len(values), 5)), color="0.88", zorder=0)
        histogram.set_yticks([])
        axes.set_zorder(histogram.get_zorder() + 1)
        axes.patch.set_visible(False)
        for name, curve in by_model.items():
            axes.plot(curve.index.to_numpy(dtype=float), curve.to_numpy(), marker=".",
                      color=COLOURS.get(name, "black"), linewidth=2, label=LABELS.get(name, name))
        axes.set(title=feature, xlabel=feature, ylabel="mean predicted P(default)")
        if number == 0:
            axes.legend(fontsize=8)
    figure.tight_layout()
    return figure


def plot_profit_curves(curves: Mapping[str, pd.Series], cutoffs: Mapping[str, float],
                       title: str = "Profit on the test set as the cutoff moves",
                       marked: str = "each model's F1-optimal cutoff") -> Figure:
    """Each model's profit against the cutoff, its cutoff in ``cutoffs`` marked with a dot
    (``marked`` says which cutoff that is, in the title)."""
    figure, axes = plt.subplots(figsize=(7.2, 4.2))
    for name, curve in curves.items():
        colour = COLOURS.get(name, "black")
        axes.plot(curve.index, curve.to_numpy() / 1e6, color=colour, linewidth=2,
                  label=LABELS.get(name, name))
        at = float(np.interp(cutoffs[name], curve.index, curve.to_numpy()))
        axes.plot([cutoffs[name]], [at / 1e6], "o", color=colour, markersize=8)
    axes.axhline(0, color="0.6", linewidth=0.8)
    axes.set(xlabel="cutoff (decline when probability >= cutoff)", ylabel="profit (million NT$)",
             title=f"{title}\n(dots: {marked})")
    axes.legend(fontsize=8)
    figure.tight_layout()
    return figure
