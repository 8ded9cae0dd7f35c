"""Fairness mitigation: the worst group's adverse impact ratio, per-group cutoffs, a wrapper
that lets fairlearn's mitigators use an XGBoost model at the lesson's cutoff, and the rule that
picks a model.

As in ``dia``, a decision of 0 (not predicted to default) is the favourable outcome, and a
group's adverse impact ratio (AIR) here is its favourable rate over the **most favoured**
group's, so the worst group's AIR is the smallest favourable rate over the largest (fairlearn's
``demographic_parity_ratio`` of the favourable outcome).

Example:
    >>> import numpy as np
    >>> groups = np.array(list("aaaabbbb"))
    >>> worst_air([0, 0, 0, 1, 0, 1, 1, 1], groups)
    0.3333333333333333
    >>> cuts = group_cutoffs([.1, .2, .3, .6, .3, .5, .7, .8], groups, cutoff=0.4, target=0.6)
    >>> cuts.to_dict()
    {'a': 0.4, 'b': 0.7}
    >>> worst_air(decide_by_group([.1, .2, .3, .6, .3, .5, .7, .8], groups, cuts), groups)
    0.6666666666666666
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import roc_auc_score

from workshop_utils import SEED, dia
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, plt

__all__ = ["MIN_AIR", "ProbabilityModel", "air_to_best", "bootstrap_air", "decide_by_group", "favourable_frame",
           "group_cutoffs", "intersections", "pick_model", "plot_group_intervals", "plot_tradeoff", "shifted_score", "summarise",
           "worst_air"]

MIN_AIR = 0.8
"""The rule's floor: every group's adverse impact ratio at least four fifths."""


def intersections(groups: pd.DataFrame, columns: Iterable[str] = ("SEX", "AGE_BAND")) -> pd.Series:
    """One label per row joining ``columns`` (e.g. "female <25"), named "SEX x AGE_BAND".

    >>> intersections(pd.DataFrame({"SEX": ["male"], "AGE_BAND": ["<25"]})).tolist()
    ['male <25']
    """
    columns = list(columns)
    joined = groups[columns].astype(str).agg(" ".join, axis=1)
    return joined.rename(" x ".join(columns))


def air_to_best(y_pred: Iterable, groups: Iterable) -> pd.Series:
    """Each group's favourable rate (share of 0 decisions) over the most favoured group's.

    >>> air_to_best([0, 1, 0, 0], ["a", "a", "b", "b"]).to_dict()
    {'a': 0.5, 'b': 1.0}
    """
    rates = dia.favourable_rates(y_pred, groups)
    return (rates / rates.max()).rename("AIR to the most favoured group")


def worst_air(y_pred: Iterable, groups: Iterable) -> float:
    """The smallest :func:`air_to_best`: the worst-off group's adverse impact ratio."""
    return float(air_to_best(y_pred, groups).min())


def favourable_frame(y_true: Iterable, y_pred: Iterable, sensitive: pd.DataFrame | pd.Series):
    """A fairlearn ``MetricFrame`` of rows, favourable rate and error rate per group of
    ``sensitive`` (several columns: their intersections); its ``ratio()["favourable rate"]`` is
    :func:`worst_air`."""
    from fairlearn.metrics import MetricFrame, count, selection_rate

    metrics = {"rows": count,
               "favourable rate": lambda y_t, y_p: selection_rate(y_t, y_p, pos_label=0),
               "error rate": lambda y_t, y_p: float(np.mean(np.asarray(y_t) != np.asarray(y_p)))}
    return MetricFrame(metrics=metrics, y_true=np.asarray(y_true), y_pred=np.asarray(y_pred),
                       sensitive_features=sensitive.reset_index(drop=True))


def bootstrap_air(y_pred: Iterable, groups: Iterable, n_boot: int = 200, seed: int = SEED,
                  quantiles: tuple[float, float] = (0.025, 0.975)) -> pd.DataFrame:
    """Each group's :func:`air_to_best` and, last, the worst group's (row "worst group"), with
    bootstrap intervals: ``n_boot`` resamples of the rows with replacement (what fairlearn's
    ``MetricFrame(n_boot=...)`` does, vectorised), columns "AIR", "low" and "high".

    >>> table = bootstrap_air([0, 1, 0, 0] * 50, ["a", "a", "b", "b"] * 50, n_boot=100)
    >>> table["AIR"].tolist()
    [0.5, 1.0, 0.5]
    """
    decided = np.asarray(y_pred).ravel()
    codes, names = pd.factorize(pd.Series(np.asarray(groups, dtype=object)), sort=True)
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(decided), size=(n_boot, len(decided)))
    cells = (np.arange(n_boot)[:, None] * len(names) + codes[rows]).ravel()
    counts = np.bincount(cells, minlength=n_boot * len(names)).reshape(n_boot, -1)
    favoured = np.bincount(cells, weights=(decided[rows] == 0).ravel(), minlength=n_boot * len(names))
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = favoured.reshape(n_boot, -1) / counts
    air = rates / np.nanmax(rates, axis=1, keepdims=True)
    draws = np.column_stack([air, np.nanmin(air, axis=1)])
    point = air_to_best(decided, pd.Series(np.asarray(groups, dtype=object))).reindex(names)
    table = pd.DataFrame({"AIR": [*point.to_numpy(), point.min()],
                          "low": np.nanquantile(draws, quantiles[0], axis=0),
                          "high": np.nanquantile(draws, quantiles[1], axis=0)},
                         index=pd.Index([*names, "worst group"], name="group"))
    return table


def group_cutoffs(probability: Iterable, groups: Iterable, cutoff: float, target: float = MIN_AIR) -> pd.Series:
    """Per-group cutoffs (predict default when probability >= the group's cutoff) so that every
    group's favourable rate is at least ``target`` times the most favoured group's at ``cutoff``.
    A group that already reaches it keeps ``cutoff``; any other gets the lowest cutoff that does,
    among its own probabilities above ``cutoff`` (just above its highest if none is enough)."""
    probability = np.asarray(probability, dtype=float)
    labels = pd.Series(np.asarray(groups, dtype=object))
    best = dia.favourable_rates((probability >= cutoff).astype(int), labels).max()
    cuts = {}
    for group, rows in labels.groupby(labels, sort=True).groups.items():
        values = np.sort(probability[np.asarray(rows)])
        needed = int(np.ceil(target * best * len(values) - 1e-9))  # rows that must be favourable
        if np.sum(values < cutoff) >= needed:
            cuts[group] = float(cutoff)
            continue
        above = values[values > values[needed - 1]]
        cuts[group] = float(above[0]) if len(above) else float(np.nextafter(values[-1], np.inf))
    return pd.Series(cuts, name="cutoff")


def decide_by_group(probability: Iterable, groups: Iterable, cutoffs: Mapping[Any, float] | pd.Series) -> np.ndarray:
    """1 (predicted to default) where probability >= its group's cutoff, else 0.

    >>> decide_by_group([0.3, 0.3], ["a", "b"], {"a": 0.2, "b": 0.4}).tolist()
    [1, 0]
    """
    per_row = pd.Series(np.asarray(groups, dtype=object)).map(dict(cutoffs)).to_numpy(dtype=float)
    return (np.asarray(probability, dtype=float) >= per_row).astype(int)


def shifted_score(probability: Iterable, groups: Iterable, cutoffs: Mapping[Any, float] | pd.Series,
                  cutoff: float) -> np.ndarray:
    """The score per-group cutoffs amount to: each probability moved by ``cutoff`` minus its
    group's cutoff, so that ``shifted >= cutoff`` gives exactly :func:`decide_by_group`'s
    decisions (up to rounding). Its AUC is the AUC of the per-group rule.

    >>> shifted_score([0.3, 0.3], ["a", "b"], {"a": 0.2, "b": 0.4}, 0.3).round(2).tolist()
    [0.4, 0.2]
    """
    per_row = pd.Series(np.asarray(groups, dtype=object)).map(dict(cutoffs)).to_numpy(dtype=float)
    return np.asarray(probability, dtype=float) - per_row + cutoff


class ProbabilityModel(ClassifierMixin, BaseEstimator):
    """A classifier around another (e.g. XGBoost) that gives fairlearn what it needs:
    ``predict_proba`` in float64 (XGBoost returns float32, which fairlearn's ThresholdOptimizer
    writes into float64 arrays: pandas 2.3 warns about it, pandas 3 refuses), ``predict`` at a
    chosen ``cutoff`` instead of 0.5, and ``fit`` with ``sample_weight`` (ExponentiatedGradient
    reweights the rows at each step). ``ProbabilityModel.of(fitted, cutoff)`` wraps a model
    that is already trained."""

    def __init__(self, estimator: Any = None, cutoff: float = 0.5) -> None:
        self.estimator = estimator
        self.cutoff = cutoff

    @classmethod
    def of(cls, fitted: Any, cutoff: float = 0.5) -> ProbabilityModel:
        """Wrap an already trained classifier."""
        wrapper = cls(fitted, cutoff)
        wrapper.estimator_, wrapper.classes_ = fitted, np.asarray(fitted.classes_)
        return wrapper

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> ProbabilityModel:
        """Train a fresh copy of ``estimator`` (with ``sample_weight`` when given)."""
        self.estimator_ = clone(self.estimator)
        options = {} if sample_weight is None else {"sample_weight": np.asarray(sample_weight, dtype=float)}
        self.estimator_.fit(X, np.asarray(y).astype(int), **options)
        self.classes_ = np.asarray(self.estimator_.classes_)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """The wrapped model's probabilities, as float64."""
        return np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)

    def predict(self, X: Any) -> np.ndarray:
        """1 where the probability of class 1 is at least ``cutoff``."""
        return (self.predict_proba(X)[:, 1] >= self.cutoff).astype(int)


def summarise(y_true: Iterable, score: Iterable, decisions: Iterable, groups: Iterable) -> dict[str, float]:
    """One method's line: AUC of its score, worst group's AIR of its decisions, share flagged
    (decision 1) and share of wrong decisions."""
    y_true, decisions = np.asarray(y_true).ravel(), np.asarray(decisions).ravel()
    return {"AUC": float(roc_auc_score(y_true, np.asarray(score, dtype=float))),
            "worst AIR": worst_air(decisions, groups),
            "flagged": float(decisions.mean()),
            "error rate": float(np.mean(decisions != y_true))}


def pick_model(table: pd.DataFrame, auc: str = "AUC", air: str = "worst AIR", floor: float = MIN_AIR) -> str:
    """The rule, stated before looking: among the rows (methods) whose ``air`` is at least
    ``floor``, the one with the best ``auc``; ties go to the first row.

    >>> pick_model(pd.DataFrame({"AUC": [0.78, 0.77, 0.76], "worst AIR": [0.7, 0.85, 0.9]}, index=list("abc")))
    'b'
    """
    passing = table[table[air] >= floor]
    if passing.empty:
        raise ValueError(f"no method reaches {air} >= {floor}; the rule picks nothing.")
    return str(passing[auc].idxmax())


def plot_tradeoff(validation: pd.DataFrame, test: pd.DataFrame, chosen: str, floor: float = MIN_AIR,
                  title: str = "AUC against the worst group's adverse impact ratio") -> Figure:
    """Each method (a row of both tables, columns "AUC" and "worst AIR") as an arrow from its
    validation point to its test point; the floor shaded where the rule rejects, the chosen
    method ringed."""
    figure, axes = plt.subplots(figsize=(9, 5))
    low = min(0.5, float(validation["worst AIR"].min()) - 0.05, float(test["worst AIR"].min()) - 0.05)
    axes.axvspan(low, floor, color="#f2d7d5", zorder=0, label=f"rejected by the rule (worst AIR < {floor:g})")
    colours = plt.cm.tab10(np.arange(len(test)) % 10)
    for colour, name in zip(colours, test.index):
        start = (validation.at[name, "worst AIR"], validation.at[name, "AUC"])
        end = (test.at[name, "worst AIR"], test.at[name, "AUC"])
        axes.annotate("", end, start, arrowprops={"arrowstyle": "->", "color": colour, "alpha": 0.6})
        axes.plot(*start, "o", color=colour, markerfacecolor="white", markersize=7)
        axes.plot(*end, "o", color=colour, markersize=8, label=name)
    axes.plot(test.at[chosen, "worst AIR"], test.at[chosen, "AUC"], "o", markersize=18, markerfacecolor="none",
              markeredgecolor=RISK_UP, markeredgewidth=2)
    axes.axvline(floor, color=NEUTRAL, linestyle="--", linewidth=0.8)
    axes.set(xlim=(low, 1.02), xlabel="worst group's adverse impact ratio (higher is fairer)",
             ylabel="AUC", title=f"{title}\nhollow: validation rows (where the rule chooses), filled: test rows; "
                                 f"ringed: the pick")
    axes.title.set_fontsize(10)
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    axes.grid(color="0.92")
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    axes.tick_params(colors="0.2")
    axes.yaxis.label.set_color(RISK_DOWN)
    figure.tight_layout()
    return figure


def plot_group_intervals(table: pd.DataFrame, floor: float = MIN_AIR,
                         title: str = "Each group's AIR to the most favoured group, with 95 % bootstrap intervals") -> Figure:
    """A :func:`bootstrap_air` table drawn: a dot and an interval per group (the worst group's
    ratio last, in red), the four-fifths ``floor`` dashed."""
    figure, axes = plt.subplots(figsize=(8, 0.34 * len(table) + 1.6))
    rows = np.arange(len(table))
    colours = [RISK_UP if name == "worst group" else RISK_DOWN for name in table.index]
    for row, colour, (_name, line) in zip(rows, colours, table.iterrows()):
        axes.errorbar([line["AIR"]], [row], xerr=[[line["AIR"] - line["low"]], [line["high"] - line["AIR"]]],
                      fmt="o", color=colour, ecolor="0.6", capsize=3)
    axes.axvline(floor, color=RISK_UP, linestyle="--", linewidth=1, label=f"four-fifths floor ({floor:g})")
    axes.set_yticks(rows, [str(name) for name in table.index], fontsize=8)
    axes.invert_yaxis()
    axes.set(xlabel="adverse impact ratio to the most favoured group (test rows)", title=title)
    axes.title.set_fontsize(10)
    axes.legend(fontsize=8, loc="lower left")
    figure.tight_layout()
    return figure
