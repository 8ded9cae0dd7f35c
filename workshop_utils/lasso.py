"""Input selection with the LASSO: the grid of penalties, the path of coefficients along it, the
penalty with the lowest validation logloss, the inputs it keeps, and the figure of the path.

The LASSO is the course's GLM (``penalised_glm.fit_glm``) with a pure L1 penalty, which sets
the coefficients of the inputs it does not need to exactly zero.

Example:
    >>> X = pd.DataFrame({"a": [0.0, 1, 2, 3, 4, 5], "b": [1.0, 0, 1, 0, 1, 0]})
    >>> selected_inputs(glm_coefficients(fit_lasso(X, [0, 0, 0, 1, 1, 1], C=10.0)))
    ['a', 'b']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import l1_min_c

from workshop_utils import SEED
from workshop_utils.cross_validation import FitPredict
from workshop_utils.penalised_glm import fit_glm, glm_coefficients, glm_probability
from workshop_utils.plots import RISK_DOWN, plt

__all__ = ["LASSO_PARAMS", "LassoPath", "c_grid", "fit_lasso", "lasso_fit_predict", "lasso_path",
           "plot_lasso_path", "selected_inputs", "spread_labels"]

LASSO_PARAMS: dict[str, object] = {
    "l1_ratio": 1.0,            # pure L1 penalty: the LASSO
    "solver": "liblinear",      # exact zeros, fast on a few thousand rows
    "intercept_scaling": 100.0, # liblinear penalises the intercept too; this makes that negligible
    "random_state": SEED,
}
"""Settings of every L1 logistic regression in the lesson (C, the inverse penalty, is added)."""


def fit_lasso(X: pd.DataFrame, y: Sequence[int], C: float) -> Pipeline:
    """Standardise ``X`` and fit an L1-penalised logistic regression with inverse penalty ``C``.

    >>> X = pd.DataFrame({"a": [0.0, 1, 2, 3, 4, 5], "b": [1.0, 0, 1, 0, 1, 0]})
    >>> fit_lasso(X, [0, 0, 0, 1, 1, 1], C=10.0)[-1].coef_.shape
    (1, 2)
    """
    return fit_glm(X, y, C, **LASSO_PARAMS)


def lasso_fit_predict(inputs: Sequence[str], target: str, C: float) -> FitPredict:
    """A ``fit_predict`` for ``cross_validation.cross_validated_predictions``: the LASSO on
    ``inputs`` with a fixed ``C``, refitted on each fold's training rows.

    >>> from workshop_utils.cross_validation import cross_validated_predictions
    >>> frame = pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5, 6, 7], "y": [0, 0, 0, 1, 0, 1, 1, 1]})
    >>> cross_validated_predictions(frame, [0, 1] * 4, lasso_fit_predict(["x"], "y", 10.0)).shape
    (8,)
    """
    def fit_predict(rest: pd.DataFrame, held: pd.DataFrame) -> np.ndarray:
        return glm_probability(fit_lasso(rest[list(inputs)], rest[target], C), held)

    return fit_predict


def selected_inputs(coefficients: pd.Series, tolerance: float = 0.0) -> list[str]:
    """Names of the inputs whose coefficient is not zero (``|coef| > tolerance``), in order.

    >>> selected_inputs(pd.Series({"a": 0.4, "b": 0.0, "c": -0.1}))
    ['a', 'c']
    """
    return [name for name, value in coefficients.items() if abs(value) > tolerance]


def c_grid(X: pd.DataFrame, y: Sequence[int], n: int = 16, decades: float = 3.0) -> np.ndarray:
    """``n`` values of C, log-spaced over ``decades`` from the smallest C at which the LASSO
    keeps any input at all (scikit-learn's ``l1_min_c`` on the standardised inputs).

    >>> X = pd.DataFrame({"a": [0.0, 1, 2, 3], "b": [1.0, 0, 1, 0]})
    >>> grid = c_grid(X, [0, 0, 1, 1], n=4, decades=3)
    >>> len(grid), round(float(grid[-1] / grid[0]))
    (4, 1000)
    """
    scaled = StandardScaler().fit_transform(X)
    start = l1_min_c(scaled, np.asarray(y), loss="log")
    return start * np.logspace(0.0, decades, n)


@dataclass(frozen=True)
class LassoPath:
    """Coefficients (rows: C ascending; columns: inputs) and validation scores along the path."""

    coefficients: pd.DataFrame
    scores: pd.DataFrame

    @property
    def best_C(self) -> float:
        """The C with the lowest validation logloss (the first, i.e. sparsest, on a tie)."""
        return float(self.scores["valid_logloss"].idxmin())

    def selected(self, C: float | None = None) -> list[str]:
        """The inputs the LASSO keeps at ``C`` (default: :attr:`best_C`)."""
        return selected_inputs(self.coefficients.loc[self.best_C if C is None else C])


def lasso_path(train: pd.DataFrame, valid: pd.DataFrame, inputs: Sequence[str], target: str,
               Cs: Sequence[float]) -> LassoPath:
    """Fit the LASSO on ``train`` at every C in ``Cs`` and score it on ``valid``: standardised
    coefficients, number of inputs kept, validation logloss and AUC per C."""
    inputs = list(inputs)
    rows, scores = {}, {}
    for C in sorted(float(c) for c in Cs):
        model = fit_lasso(train[inputs], train[target], C)
        probability = glm_probability(model, valid)
        rows[C] = glm_coefficients(model)
        scores[C] = {"n_inputs": int((rows[C] != 0).sum()),
                     "valid_logloss": log_loss(valid[target], probability, labels=[0, 1]),
                     "valid_auc": roc_auc_score(valid[target], probability)}
    coefficients = pd.DataFrame(rows).T.rename_axis("C")
    return LassoPath(coefficients, pd.DataFrame(scores).T.rename_axis("C").astype(
        {"n_inputs": int}))


def spread_labels(values: Sequence[float], gap: float) -> np.ndarray:
    """Label positions near ``values`` with at least ``gap`` between neighbours, in the same
    order: labels that would collide are spaced evenly around their mean (clusters merge
    until none overlap), so labels at the end of crowded lines stay readable.

    >>> spread_labels([0.0, 0.01, 1.0], gap=0.1).round(3).tolist()
    [-0.045, 0.055, 1.0]
    """
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    clusters = [[float(v)] for v in values[order]]

    def start(cluster: list[float]) -> float:
        return float(np.mean(cluster)) - gap * (len(cluster) - 1) / 2

    merged = True
    while merged:
        merged = False
        for i in range(len(clusters) - 1):
            if start(clusters[i + 1]) < start(clusters[i]) + gap * len(clusters[i]) - 1e-12:
                clusters[i:i + 2] = [clusters[i] + clusters[i + 1]]
                merged = True
                break
    placed = np.concatenate([start(c) + gap * np.arange(len(c)) for c in clusters])
    out = np.empty_like(placed)
    out[order] = placed
    return out


def plot_lasso_path(path: LassoPath, title: str = "LASSO path: which inputs survive") -> Figure:
    """Coefficient traces against the penalty (top) and validation logloss (bottom), the chosen
    C marked; inputs kept at that C are labelled and drawn in colour, the others in grey."""
    coefficients, scores = path.coefficients, path.scores
    kept = path.selected()
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7.5), sharex=True,
                                         gridspec_kw={"height_ratios": [3, 1.4]})
    x = coefficients.index.to_numpy(dtype=float)
    palette = [*plt.cm.tab10.colors, *plt.cm.Dark2.colors]
    for name in coefficients.columns:
        if name not in kept:
            top.plot(x, coefficients[name], color="0.75", linewidth=1, linestyle="--")
    ends = coefficients[kept].iloc[-1].to_numpy(dtype=float)
    span = float(np.ptp(coefficients.to_numpy())) or 1.0
    label_at = spread_labels(ends, gap=0.045 * span)
    for number, name in enumerate(kept):
        colour = palette[number % len(palette)]
        top.plot(x, coefficients[name], color=colour, linewidth=1.8)
        top.annotate(name, xy=(x[-1], ends[number]), xytext=(x[-1] * 1.6, label_at[number]),
                     fontsize=7.5, color=colour, va="center",
                     arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.6})
    low, high = top.get_ylim()
    top.set_ylim(min(low, label_at.min() - 0.03 * span), max(high, label_at.max() + 0.03 * span))
    for axes in (top, bottom):
        axes.axvline(path.best_C, color="black", linestyle=":", linewidth=1.2)
        axes.set_xscale("log")
    top.axhline(0, color="0.5", linewidth=0.8)
    top.set(ylabel="coefficient (log-odds per SD)",
            title=f"{title}\n{len(kept)} of {coefficients.shape[1]} kept at the chosen C "
                  f"(dotted line); dashed grey: dropped there")
    bottom.plot(x, scores["valid_logloss"], color=RISK_DOWN, marker="o", markersize=3)
    bottom.set(xlabel="C (inverse penalty; right = weaker penalty, more inputs)",
               ylabel="validation logloss")
    counts = bottom.twinx()
    counts.step(x, scores["n_inputs"], where="mid", color="0.6", linewidth=1)
    counts.set_ylabel("inputs kept", color="0.5")
    counts.tick_params(axis="y", colors="0.5")
    top.set_xlim(x[0], x[-1] * 4)
    figure.tight_layout()
    return figure
