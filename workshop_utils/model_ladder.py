"""A ladder of models, from a LASSO-selected GLM to a GBM: input selection, k-fold ranking,
explanations side by side, profit at a cutoff, and the closing comparison table.

The GLM is a scikit-learn pipeline (standardise, then L1-penalised logistic regression), so its
coefficients are in log-odds per standard deviation of each input. Cross-validation scores every
model on the same seeded folds, and the models are ranked within each fold on several metrics.

Example:
    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 1, 0, 1])
    >>> p = np.array([0.1, 0.4, 0.8, 0.6, 0.2, 0.3])
    >>> profit_at_cutoff(y, p, 0.5, gain_tn=100, loss_fn=400)  # 3 good approved, 1 bad approved
    -100.0
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import l1_min_c
from tqdm import tqdm

from workshop_utils import SEED
from workshop_utils.benchmark_glm import glm_coefficients
from workshop_utils.cutoffs import best_f1_cutoff, decide
from workshop_utils.pdp import Predict
from workshop_utils.plots import RISK_DOWN, RISK_UP  # also picks the headless backend if needed
from workshop_utils.shapley import BIAS

MODELS = ("glm", "mgbm", "gbm")
"""The ladder's rungs: LASSO-selected GLM, monotonic GBM on the GLM's inputs, unconstrained GBM."""

LABELS = {"glm": "penalised GLM", "mgbm": "monotonic GBM", "gbm": "unconstrained GBM"}
"""Readable names of the rungs, for figures and tables."""

COLOURS = {"glm": "#7f8c8d", "mgbm": RISK_DOWN, "gbm": RISK_UP}

LASSO_PARAMS: dict[str, object] = {
    "l1_ratio": 1.0,            # pure L1 penalty: the LASSO
    "solver": "liblinear",      # exact zeros, fast on a few thousand rows
    "intercept_scaling": 100.0, # liblinear penalises the intercept too; this makes that negligible
    "random_state": SEED,
}
"""Settings of every L1 logistic regression in the lesson (C, the inverse penalty, is added)."""

METRICS: dict[str, bool] = {"auc": True, "logloss": False, "f1": True, "accuracy": True}
"""The cross-validation metrics, each mapped to True when higher is better."""

PROFIT_MODEL: dict[str, float] = {"gain_tn": 2_000.0, "loss_fn": 8_000.0}
"""ASSUMED profit model (NT$ per customer): approving a customer who pays (a true negative) earns
``gain_tn``; approving one who defaults (a false negative) loses ``loss_fn``; declining earns and
loses nothing. Illustrative numbers, not figures from the data."""

GBM_OVERRIDES: dict[str, object] = {"learn_rate": 0.1}
"""Changes to ``h2o_models.GBM_PARAMS`` for this lesson's GBMs: twice the course's learning rate,
so early stopping keeps fewer trees and five-fold CV of two GBMs fits the time budget."""

TRANSPARENCY = {"glm": "high", "mgbm": "medium", "gbm": "low"}
"""How directly a reviewer can read each rung: one signed coefficient per input (high); monotone
trees that need Shapley values and partial dependence to read (medium); free trees (low)."""

_TRANSPARENCY_ORDER = {"high": 0, "medium": 1, "low": 2}


# ---------------------------------------------------------------------------------------------
# The LASSO: path, selection, the GLM
# ---------------------------------------------------------------------------------------------

def fit_lasso(X: pd.DataFrame, y: Sequence[int], C: float) -> Pipeline:
    """Standardise ``X`` and fit an L1-penalised logistic regression with inverse penalty ``C``.

    >>> X = pd.DataFrame({"a": [0.0, 1, 2, 3, 4, 5], "b": [1.0, 0, 1, 0, 1, 0]})
    >>> fit_lasso(X, [0, 0, 0, 1, 1, 1], C=10.0)[-1].coef_.shape
    (1, 2)
    """
    return Pipeline([("scale", StandardScaler()),
                     ("lasso", LogisticRegression(C=float(C), **LASSO_PARAMS))]).fit(X, np.asarray(y))


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
        probability = model.predict_proba(valid[inputs])[:, 1]
        rows[C] = glm_coefficients(model)
        scores[C] = {"n_inputs": int((rows[C] != 0).sum()),
                     "valid_logloss": log_loss(valid[target], probability, labels=[0, 1]),
                     "valid_auc": roc_auc_score(valid[target], probability)}
    coefficients = pd.DataFrame(rows).T.rename_axis("C")
    return LassoPath(coefficients, pd.DataFrame(scores).T.rename_axis("C").astype(
        {"n_inputs": int}))


def glm_predict(pipeline: Pipeline) -> Predict:
    """A ``predict`` function (frame in, probability of default out) for the pdp helpers."""
    columns = list(pipeline.feature_names_in_)

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return pipeline.predict_proba(frame[columns])[:, 1]

    return predict


def glm_contributions(pipeline: Pipeline, X: pd.DataFrame) -> pd.DataFrame:
    """Each input's contribution to each row's log-odds, ``coef * (x - mean) / sd``, plus
    ``BIAS`` (the log-odds at the training means): these are the exact Shapley values of a
    linear model, on the same scale as a GBM's TreeSHAP contributions. Rows add up to the
    GLM's log-odds.

    >>> X = pd.DataFrame({"a": [0.0, 1, 2, 3, 4, 5], "b": [1.0, 0, 1, 0, 1, 0]})
    >>> glm = fit_lasso(X, [0, 0, 0, 1, 1, 1], C=10.0)
    >>> bool(np.allclose(glm_contributions(glm, X).sum(axis=1), glm.decision_function(X)))
    True
    """
    scaler, lasso = pipeline[0], pipeline[-1]
    columns = list(pipeline.feature_names_in_)
    scaled = scaler.transform(X[columns])
    values = scaled * lasso.coef_[0]
    frame = pd.DataFrame(values, index=X.index, columns=columns)
    frame[BIAS] = float(lasso.intercept_[0])
    return frame


def coefficient_signs(coefficients: pd.Series) -> dict[str, int]:
    """Monotonicity constraints from a GLM: +1 for a positive coefficient, -1 for a negative
    one, and inputs with a zero coefficient left out (the GLM dropped them).

    >>> coefficient_signs(pd.Series({"PAY_0": 0.6, "BILL_AMT2": 0.0, "LIMIT_BAL": -0.1}))
    {'PAY_0': 1, 'LIMIT_BAL': -1}
    """
    return {name: int(np.sign(value)) for name, value in coefficients.items() if value != 0}


def h2o_contributions(model: object, X: pd.DataFrame) -> pd.DataFrame:
    """TreeSHAP contributions of an H2O tree model (``predict_contributions``), one column per
    input plus ``BIAS``, on ``X``'s index; rows add up to the model's log-odds. One H2O call.

    >>> h2o_contributions(gbm, parts.test)  # doctest: +SKIP
    """
    from workshop_utils.h2o_models import from_h2o, model_inputs, to_h2o

    inputs = model_inputs(model)
    scored = from_h2o(model.predict_contributions(to_h2o(X, inputs)))
    scored = scored.rename(columns={"BiasTerm": BIAS})[[*inputs, BIAS]]
    scored.index = X.index
    return scored


def n_trees(model: object) -> int:
    """Number of trees an H2O GBM kept (after early stopping).

    >>> n_trees(gbm)  # doctest: +SKIP
    92
    """
    return int(model._model_json["output"]["model_summary"]["number_of_trees"][0])


# ---------------------------------------------------------------------------------------------
# k-fold cross-validation, metrics and ranks
# ---------------------------------------------------------------------------------------------

def assign_folds(y: Sequence[int], k: int = 5, seed: int = SEED) -> np.ndarray:
    """A fold number (0 to k-1) for every row: stratified by ``y``, shuffled with ``seed``.

    >>> assign_folds([0, 1] * 5, k=5).tolist().count(0)
    2
    """
    y = np.asarray(y)
    folds = np.empty(len(y), dtype=int)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for number, (_, holdout) in enumerate(splitter.split(np.zeros(len(y)), y)):
        folds[holdout] = number
    return folds


FitPredict = Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]


def cross_validated_predictions(frame: pd.DataFrame, folds: Sequence[int],
                                fit_predict: FitPredict, progress: str | None = None) -> np.ndarray:
    """Out-of-fold probabilities: for each fold, ``fit_predict(rest, fold_rows)`` trains on the
    other folds and scores the held-out rows. ``progress`` (a label) shows a text progress bar.

    >>> frame = pd.DataFrame({"x": [1.0, 2, 3, 4]})
    >>> mean_of_rest = lambda rest, held: np.full(len(held), rest["x"].mean())
    >>> cross_validated_predictions(frame, [0, 0, 1, 1], mean_of_rest).tolist()
    [3.5, 3.5, 1.5, 1.5]
    """
    folds = np.asarray(folds)
    out = np.full(len(frame), np.nan)
    numbers = np.unique(folds)
    if progress:
        numbers = tqdm(numbers, desc=progress, unit="fold", file=sys.stdout, ncols=70)
    for number in numbers:
        held = folds == number
        out[held] = fit_predict(frame[~held], frame[held])
    return out


def glm_fit_predict(inputs: Sequence[str], target: str, C: float) -> FitPredict:
    """A ``fit_predict`` for :func:`cross_validated_predictions`: the LASSO GLM on ``inputs``
    with a fixed ``C``, refitted on each fold's training rows.

    >>> frame = pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5, 6, 7], "y": [0, 0, 0, 1, 0, 1, 1, 1]})
    >>> cross_validated_predictions(frame, [0, 1] * 4, glm_fit_predict(["x"], "y", 10.0)).shape
    (8,)
    """
    def fit_predict(rest: pd.DataFrame, held: pd.DataFrame) -> np.ndarray:
        return fit_lasso(rest[list(inputs)], rest[target], C).predict_proba(held[list(inputs)])[:, 1]

    return fit_predict


def h2o_cross_validated_predictions(frame: pd.DataFrame, folds: Sequence[int], inputs: Sequence[str],
                                    target: str, ntrees: int,
                                    constraints: Mapping[str, int] | None = None,
                                    progress: str | None = None, **overrides: object) -> np.ndarray:
    """Out-of-fold probabilities of an H2O GBM (the course's ``GBM_PARAMS`` with this lesson's
    ``GBM_OVERRIDES``) with a FIXED number of trees and no early stopping, so a held-out fold
    is only ever scored, never used to choose anything. ``frame`` is uploaded once, with its
    fold numbers, and sliced inside H2O; each fold's model is removed once it has scored.

    >>> oof = h2o_cross_validated_predictions(pool, folds, inputs, target, ntrees=90)  # doctest: +SKIP
    """
    import h2o
    from h2o.estimators import H2OGradientBoostingEstimator

    from workshop_utils.h2o_models import from_h2o, gbm_params, to_h2o

    folds = np.asarray(folds)
    params = gbm_params(constraints, **{**GBM_OVERRIDES, **overrides, "ntrees": int(ntrees),
                                        "stopping_rounds": 0, "score_tree_interval": int(ntrees)})
    uploaded = to_h2o(frame, inputs, target)
    uploaded["fold"] = h2o.H2OFrame(pd.DataFrame({"fold": folds.astype(float)}))
    out = np.full(len(frame), np.nan)
    numbers = np.unique(folds)
    if progress:
        numbers = tqdm(numbers, desc=progress, unit="fold", file=sys.stdout, ncols=70)
    for number in numbers:
        model = H2OGradientBoostingEstimator(**params)
        model.train(x=list(inputs), y=target, training_frame=uploaded[uploaded["fold"] != float(number), :])
        scored = model.predict(uploaded[uploaded["fold"] == float(number), :])
        out[folds == number] = from_h2o(scored["p1"])["p1"].to_numpy(dtype=float)
        h2o.remove(model)
    h2o.remove(uploaded)
    return out


def fold_metrics(y_true: Sequence[int], probability: Sequence[float]) -> dict[str, float]:
    """AUC, logloss, and F1 and accuracy at the cutoff that maximises F1 on these rows.

    >>> fold_metrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])["auc"]
    0.75
    """
    y_true, probability = np.asarray(y_true), np.asarray(probability, dtype=float)
    cutoff, _ = best_f1_cutoff(y_true, probability)
    decided = decide(probability, cutoff)
    return {"auc": roc_auc_score(y_true, probability),
            "logloss": log_loss(y_true, probability, labels=[0, 1]),
            "f1": f1_score(y_true, decided), "accuracy": accuracy_score(y_true, decided),
            "cutoff": cutoff}


def cv_scores(y_true: Sequence[int], predictions: Mapping[str, Sequence[float]],
              folds: Sequence[int]) -> pd.DataFrame:
    """Every metric of :func:`fold_metrics` for every model on every fold: one row per
    (fold, model), computed on that fold's out-of-fold predictions only."""
    y_true, folds = np.asarray(y_true), np.asarray(folds)
    rows = {}
    for number in np.unique(folds):
        held = folds == number
        for name, probability in predictions.items():
            rows[int(number), name] = fold_metrics(y_true[held], np.asarray(probability)[held])
    return pd.DataFrame(rows).T.rename_axis(["fold", "model"])


def fold_ranks(scores: pd.DataFrame, metrics: Mapping[str, bool] = METRICS) -> pd.DataFrame:
    """Rank the models within each fold on each metric: 1 is best (highest, or lowest for
    logloss); tied models share the average rank.

    >>> scores = pd.DataFrame({"auc": [0.7, 0.8, 0.75, 0.74]},
    ...     index=pd.MultiIndex.from_product([[0, 1], ["a", "b"]], names=["fold", "model"]))
    >>> fold_ranks(scores, {"auc": True})["auc"].tolist()
    [2.0, 1.0, 1.0, 2.0]
    """
    ranks = {name: scores[name].groupby(level="fold").rank(ascending=not higher, method="average")
             for name, higher in metrics.items()}
    return pd.DataFrame(ranks)


def mean_ranks(ranks: pd.DataFrame) -> pd.Series:
    """Each model's rank averaged over folds and metrics, best (lowest) first.

    >>> ranks = pd.DataFrame({"auc": [2.0, 1.0], "f1": [1.0, 2.0]},
    ...     index=pd.MultiIndex.from_tuples([(0, "a"), (0, "b")], names=["fold", "model"]))
    >>> mean_ranks(ranks).to_dict()
    {'a': 1.5, 'b': 1.5}
    """
    per_model = ranks.groupby(level="model", sort=False).mean().mean(axis=1)
    return per_model.sort_values(kind="stable").rename("mean rank")


def cv_summary(scores: pd.DataFrame, ranks: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation of each metric over the folds, and the mean rank, per model
    (best mean rank first)."""
    metrics = list(ranks.columns)
    grouped = scores[metrics].astype(float).groupby(level="model", sort=False)
    table = grouped.mean().join(grouped.std(), rsuffix=" sd")
    table["mean rank"] = mean_ranks(ranks)
    return table.sort_values("mean rank", kind="stable")


# ---------------------------------------------------------------------------------------------
# Business value
# ---------------------------------------------------------------------------------------------

def profit(y_true: Sequence[int], y_pred: Sequence[int], gain_tn: float = PROFIT_MODEL["gain_tn"],
           loss_fn: float = PROFIT_MODEL["loss_fn"]) -> float:
    """Value of a set of decisions (1 = predicted to default, declined): every approved payer
    (true negative) earns ``gain_tn``, every approved defaulter (false negative) loses
    ``loss_fn``, and declined customers count zero.

    >>> profit([0, 0, 1, 1], [0, 1, 0, 1], gain_tn=10, loss_fn=30)
    -20.0
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    true_negatives = int(np.sum((y_true == 0) & (y_pred == 0)))
    false_negatives = int(np.sum((y_true == 1) & (y_pred == 0)))
    return float(gain_tn * true_negatives - loss_fn * false_negatives)


def profit_at_cutoff(y_true: Sequence[int], probability: Sequence[float], cutoff: float,
                     gain_tn: float = PROFIT_MODEL["gain_tn"],
                     loss_fn: float = PROFIT_MODEL["loss_fn"]) -> float:
    """:func:`profit` of declining everyone whose probability is at or above ``cutoff``."""
    return profit(y_true, decide(probability, cutoff), gain_tn, loss_fn)


def profit_curve(y_true: Sequence[int], probability: Sequence[float], cutoffs: Sequence[float],
                 gain_tn: float = PROFIT_MODEL["gain_tn"],
                 loss_fn: float = PROFIT_MODEL["loss_fn"]) -> pd.Series:
    """:func:`profit_at_cutoff` at every cutoff, indexed by cutoff.

    >>> profit_curve([0, 1], [0.2, 0.9], [0.5, 1.0], gain_tn=1, loss_fn=5).tolist()
    [1.0, -4.0]
    """
    return pd.Series([profit_at_cutoff(y_true, probability, c, gain_tn, loss_fn) for c in cutoffs],
                     index=pd.Index(np.asarray(cutoffs, dtype=float), name="cutoff"), name="profit")


# ---------------------------------------------------------------------------------------------
# The closing table and the pick
# ---------------------------------------------------------------------------------------------

def closing_table(summary: pd.DataFrame, test_auc: Mapping[str, float], n_inputs: Mapping[str, int],
                  monotone: Mapping[str, bool], air: Mapping[str, float],
                  four_fifths: Mapping[str, bool], value: Mapping[str, float]) -> pd.DataFrame:
    """One row per model: accuracy (CV AUC, its spread, mean CV rank, test AUC), transparency
    (inputs, monotone, a rating), fairness (adverse impact ratio, four-fifths rule) and value
    (profit at the model's cutoff), in the ladder's order."""
    names = [name for name in MODELS if name in summary.index]
    return pd.DataFrame({
        "CV AUC": summary.loc[names, "auc"], "CV AUC sd": summary.loc[names, "auc sd"],
        "CV mean rank": summary.loc[names, "mean rank"],
        "test AUC": [test_auc[n] for n in names],
        "inputs": [int(n_inputs[n]) for n in names], "monotone": [bool(monotone[n]) for n in names],
        "transparency": [TRANSPARENCY[n] for n in names],
        "AIR female/male": [air[n] for n in names],
        "four-fifths": [bool(four_fifths[n]) for n in names],
        "profit (NT$)": [value[n] for n in names],
    }, index=pd.Index(names, name="model"))


def recommend(table: pd.DataFrame, auc_margin: float = 0.01) -> tuple[str, str]:
    """A careful team's pick under a stated rule: drop any model that fails the four-fifths
    rule; keep those whose CV AUC is within ``auc_margin`` of the best remaining one; of
    those, take the most transparent (then the most profitable). Returns (model, reason).

    >>> t = pd.DataFrame({"CV AUC": [0.72, 0.770, 0.776], "four-fifths": [True] * 3,
    ...                   "transparency": ["high", "medium", "low"], "profit (NT$)": [1, 2, 3]},
    ...                  index=["glm", "mgbm", "gbm"])
    >>> recommend(t)[0]
    'mgbm'
    """
    fair = table[table["four-fifths"]]
    if fair.empty:
        return "none", "every model fails the four-fifths rule: none can be deployed as it is"
    best = fair["CV AUC"].max()
    close = fair[fair["CV AUC"] >= best - auc_margin - 1e-12]
    order = close.assign(_t=close["transparency"].map(_TRANSPARENCY_ORDER),
                         _p=-close["profit (NT$)"]).sort_values(["_t", "_p"], kind="stable")
    pick = str(order.index[0])
    dropped = [str(n) for n in table.index if n not in fair.index]
    behind = [str(n) for n in fair.index if n not in close.index]
    reason = (f"{pick}: passes the four-fifths rule, its CV AUC {table.loc[pick, 'CV AUC']:.4f} is "
              f"within {auc_margin} of the best fair model ({best:.4f}), and it is the most "
              f"transparent such model ({table.loc[pick, 'transparency']})")
    if behind:
        reason += f"; too far behind on CV AUC: {', '.join(behind)}"
    if dropped:
        reason += f"; failing the four-fifths rule: {', '.join(dropped)}"
    return pick, reason


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

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


def plot_pd_side_by_side(curves: Mapping[str, Mapping[str, pd.Series]], data: pd.DataFrame,
                         columns: int = 2) -> Figure:
    """One panel per input: every model's partial dependence curve over a histogram of the
    input; ``curves`` maps input -> model -> curve (indexed by grid value)."""
    rows = int(np.ceil(len(curves) / columns))
    figure, grid = plt.subplots(rows, columns, figsize=(5.5 * columns, 3.6 * rows), squeeze=False)
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
    for axes in grid.ravel()[len(curves):]:
        axes.set_visible(False)
    figure.tight_layout()
    return figure


def plot_profit_curves(curves: Mapping[str, pd.Series], cutoffs: Mapping[str, float],
                       title: str = "Profit on the test set as the cutoff moves") -> Figure:
    """Each model's profit against the cutoff, its F1-optimal cutoff marked with a dot."""
    figure, axes = plt.subplots(figsize=(7.5, 4.2))
    for name, curve in curves.items():
        colour = COLOURS.get(name, "black")
        axes.plot(curve.index, curve.to_numpy() / 1e6, color=colour, linewidth=2,
                  label=LABELS.get(name, name))
        at = float(np.interp(cutoffs[name], curve.index, curve.to_numpy()))
        axes.plot([cutoffs[name]], [at / 1e6], "o", color=colour, markersize=8)
    axes.axhline(0, color="0.6", linewidth=0.8)
    axes.set(xlabel="cutoff (decline when probability >= cutoff)", ylabel="profit (million NT$)",
             title=f"{title}\n(dots: each model's F1-optimal cutoff)")
    axes.legend(fontsize=8)
    figure.tight_layout()
    return figure
