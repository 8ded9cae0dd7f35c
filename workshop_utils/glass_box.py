"""Explainable boosting machines (InterpretML's EBM): a seeded fit within the lesson budget, shape
functions and pairwise interactions read from the fitted model, monotonize, and their figures.

An EBM is a sum of small functions, one per input (its shape function) and one per chosen pair
of inputs, plus an intercept, on the log-odds scale. Each function is a lookup table over bins:
``ebm.bins_`` holds the bin edges (cut points) and ``ebm.term_scores_`` the score of each bin,
with index 0 for a missing value, 1 to ``len(cuts) + 1`` for the bins, and a last slot for an
unknown value. A value equal to a cut point falls in the bin above it.

Example:
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    >>> ebm = fit_ebm(X.assign(y=(X["a"] > 0).astype(int)), ["a", "b"], "y", outer_bags=2)
    >>> shape_function(ebm, "a").columns.tolist()
    ['lower', 'upper', 'score', 'sd', 'rows']
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from interpret.glassbox import ExplainableBoostingClassifier
from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter

from workshop_utils import SEED, THREADS
from workshop_utils.monotonic import adverse_step
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, panel_grid, plt

__all__ = ["EBM_PARAMS", "PAIR", "fit_ebm", "main_terms", "monotonize", "pair_surface", "pair_terms",
           "plot_pair", "plot_shape_functions", "shape_function", "shape_violations", "term_importance"]

EBM_PARAMS: dict[str, object] = {
    "outer_bags": 4,
    "interactions": 10,
    "n_jobs": THREADS,
    "random_state": SEED,
}
"""The lesson's EBM settings: 4 outer bags (the library's default is 14) and 10 pairs (default:
3 per input, 57 here), so a fit takes seconds, not minutes, on 2 cores; seeded, 2 threads."""

PAIR = " & "
"""How interpret names a pairwise term: ``"LIMIT_BAL & PAY_2"``."""


def fit_ebm(train: pd.DataFrame, inputs: Sequence[str], target: str,
            **overrides: object) -> ExplainableBoostingClassifier:
    """An EBM on ``train`` with ``EBM_PARAMS`` (``overrides`` win); the EBM holds out 15 % of
    the rows itself for early stopping, a different 15 % in each outer bag."""
    model = ExplainableBoostingClassifier(**{**EBM_PARAMS, **overrides})
    return model.fit(train[list(inputs)], train[target])


def term_index(ebm: ExplainableBoostingClassifier, term: str) -> int:
    """Position of a term (``"PAY_0"`` or ``"PAY_0 & PAY_2"``) among the EBM's terms."""
    return list(ebm.term_names_).index(term)


def term_importance(ebm: ExplainableBoostingClassifier) -> pd.Series:
    """Every term's importance (the mean absolute score it adds to the training rows' log-odds),
    largest first."""
    values = pd.Series(ebm.term_importances(), index=list(ebm.term_names_), dtype=float)
    return values.sort_values(ascending=False, kind="stable")


def main_terms(importance: pd.Series) -> pd.Series:
    """The single-input terms of a ``term_importance`` series.

    >>> main_terms(pd.Series({"a": 0.3, "a & b": 0.2, "b": 0.1})).to_dict()
    {'a': 0.3, 'b': 0.1}
    """
    return importance[[PAIR not in name for name in importance.index]]


def pair_terms(importance: pd.Series) -> pd.Series:
    """The pairwise terms of a ``term_importance`` series.

    >>> pair_terms(pd.Series({"a": 0.3, "a & b": 0.2, "b": 0.1})).to_dict()
    {'a & b': 0.2}
    """
    return importance[[PAIR in name for name in importance.index]]


def shape_function(ebm: ExplainableBoostingClassifier, name: str) -> pd.DataFrame:
    """The shape function of one continuous input: one row per bin, from ``lower`` (included)
    to ``upper``, its ``score`` (log-odds), ``sd`` (standard deviation across the outer bags;
    NaN after ``monotonize``) and the training ``rows`` in it. The first bin starts at the smallest training value, the
    last ends at the largest."""
    feature = list(ebm.feature_names_in_).index(name)
    cuts = np.asarray(ebm.bins_[feature][0], dtype=float)
    low, high = ebm.feature_bounds_[feature]
    term = term_index(ebm, name)
    inside = slice(1, len(cuts) + 2)  # drop the missing (first) and unknown (last) slots
    spread = ebm.standard_deviations_[term]  # None once monotonize has changed the term
    return pd.DataFrame({
        "lower": np.concatenate([[low], cuts]),
        "upper": np.concatenate([cuts, [high]]),
        "score": ebm.term_scores_[term][inside],
        "sd": spread[inside] if spread is not None else np.nan,
        "rows": ebm.bin_weights_[term][inside],
    })


def shape_violations(ebm: ExplainableBoostingClassifier, directions: Mapping[str, int],
                     tolerance: float = 1e-9) -> pd.Series:
    """For each input in ``directions`` (+1 rising, -1 falling, as lesson 1's constraints), the
    largest step of its shape function against that direction (0 when it keeps it)."""
    steps = {name: adverse_step(shape_function(ebm, name)["score"], sign) for name, sign in directions.items()}
    return pd.Series(steps, name="largest step against", dtype=float).where(lambda s: s > tolerance, 0.0)


def monotonize(ebm: ExplainableBoostingClassifier, directions: Mapping[str, int]) -> ExplainableBoostingClassifier:
    """A copy of ``ebm`` whose shape function of each input in ``directions`` is made monotone
    (isotonic regression, interpret's ``monotonize``) in that direction (+1 rising, -1
    falling; 0 leaves the input alone). Pairwise terms are not changed."""
    changed = copy.deepcopy(ebm)
    for name, sign in directions.items():
        if sign:
            changed.monotonize(name, increasing=bool(sign > 0))
    return changed


def pair_surface(ebm: ExplainableBoostingClassifier, term: str) -> pd.DataFrame:
    """A pairwise term as a table: one row per bin of its first input, one column per bin of its
    second, each labelled by the bin's lower edge; the cells are log-odds scores."""
    index = term_index(ebm, term)
    first, second = ebm.term_features_[index]
    edges = []
    for feature in (first, second):
        levels = ebm.bins_[feature]
        cuts = np.asarray(levels[min(len(levels), 2) - 1], dtype=float)
        edges.append(np.concatenate([[ebm.feature_bounds_[feature][0]], cuts]))
    scores = ebm.term_scores_[index][1:len(edges[0]) + 1, 1:len(edges[1]) + 1]
    names = list(ebm.feature_names_in_)
    return pd.DataFrame(scores, index=pd.Index(edges[0], name=names[first]),
                        columns=pd.Index(edges[1], name=names[second]))


def upper_limit(values: pd.Series, quantile: float = 0.99) -> float:
    """Where to end an axis: the ``quantile`` of the values (long tails squeeze a plot).

    >>> upper_limit(pd.Series(range(101)))
    99.0
    """
    return float(values.quantile(quantile))


def plot_shape_functions(models: Mapping[str, ExplainableBoostingClassifier], names: Sequence[str],
                         data: pd.DataFrame, columns: int = 3) -> Figure:
    """One panel per input: its shape function as steps (log-odds). With one model, the area
    is red where the input raises the risk and blue where it lowers it, with a band of one
    standard deviation across bags; with several (``models`` maps a label to each), one line
    per model. The x axis ends at the input's 99th percentile in ``data``, and the y axis fits
    what is shown."""
    figure, grid = panel_grid(len(names), columns, (4.0, 2.8))
    styles = [("black", "-"), (RISK_UP, "--"), (RISK_DOWN, ":")]
    for axes, name in zip(grid.ravel(), names):
        right = max(upper_limit(data[name]), float(data[name].min()) + 1)
        shown: list[np.ndarray] = []
        for (label, model), (colour, line) in zip(models.items(), styles):
            shape = shape_function(model, name)
            x = np.append(shape["lower"].to_numpy(), shape["upper"].iloc[-1])
            y = np.append(shape["score"].to_numpy(), shape["score"].iloc[-1])
            axes.step(x, y, where="post", color=colour, linestyle=line, linewidth=1.5, label=label)
            visible = x <= right
            shown.append(y[visible])
            if len(models) == 1:
                band = np.nan_to_num(np.append(shape["sd"].to_numpy(), shape["sd"].iloc[-1]))
                axes.fill_between(x, y - band, y + band, step="post", color="0.8", linewidth=0)
                axes.fill_between(x, 0, np.maximum(y, 0), step="post", color=RISK_UP, alpha=0.35, linewidth=0)
                axes.fill_between(x, 0, np.minimum(y, 0), step="post", color=RISK_DOWN, alpha=0.35, linewidth=0)
                shown.extend([(y - band)[visible], (y + band)[visible]])
        low, high = min(0.0, *map(np.min, shown)), max(0.0, *map(np.max, shown))
        pad = 0.08 * (high - low or 1.0)
        axes.axhline(0, color=NEUTRAL, linewidth=0.8)
        axes.set_xlim(float(data[name].min()), right)
        axes.set_ylim(low - pad, high + pad)
        axes.xaxis.set_major_formatter(EngFormatter(sep=""))
        axes.set(title=name, ylabel="log-odds")
    if len(models) > 1:
        grid.ravel()[0].legend(fontsize=8)
    figure.tight_layout()
    return figure


def plot_pair(ebm: ExplainableBoostingClassifier, term: str, data: pd.DataFrame) -> Figure:
    """A pairwise term as a heat map: red cells raise the log-odds, blue lower them; axes end at
    each input's 99th percentile in ``data``."""
    surface = pair_surface(ebm, term)
    first, second = surface.index.name, surface.columns.name
    x_edges = np.append(surface.columns.to_numpy(), float(data[second].max()))
    y_edges = np.append(surface.index.to_numpy(), float(data[first].max()))
    limit = float(np.abs(surface.to_numpy()).max()) or 1.0
    figure, axes = plt.subplots(figsize=(6.5, 4.2))
    mesh = axes.pcolormesh(x_edges, y_edges, surface.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
    figure.colorbar(mesh, ax=axes, label="log-odds added by the pair")
    axes.set_xlim(x_edges[0], max(upper_limit(data[second]), x_edges[0] + 1))
    axes.set_ylim(y_edges[0], max(upper_limit(data[first]), y_edges[0] + 1))
    axes.xaxis.set_major_formatter(EngFormatter(sep=""))
    axes.yaxis.set_major_formatter(EngFormatter(sep=""))
    axes.set(xlabel=second, ylabel=first, title=f"Interaction {term}")
    figure.tight_layout()
    return figure
