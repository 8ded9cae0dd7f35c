"""A residual tree as a guard: a shallow regression tree fitted to a model's per-row logloss, whose
worst leaf becomes a scoring-time assertion.

The tree learns *where* the model's loss is high from the inputs. Each leaf is a rule (the splits
on its path, written by :func:`workshop_utils.error_analysis.leaf_rules`) and its value is the
mean residual of the rows that reached it. The leaf with the highest mean residual, among the
leaves with enough rows, is the rule the model is least to be trusted on: at scoring time, rows
that match it are flagged (sent to a person or a fallback) instead of being scored silently.

Example:
    >>> import pandas as pd
    >>> X = pd.DataFrame({"x": range(8)})
    >>> residual = pd.Series([0.1, 0.1, 0.2, 0.1, 0.9, 1.1, 1.0, 1.0])
    >>> tree = fit_residual_tree(X, residual, max_depth=1, min_samples_leaf=2)
    >>> table = leaf_table(tree, X, residual)
    >>> table[["rule", "rows", "mean residual"]]  # doctest: +NORMALIZE_WHITESPACE
              rule  rows  mean residual
    leaf
    2      x > 3.5     4          1.000
    1     x <= 3.5     4          0.125
    >>> worst_leaf(table, min_rows=2), int(assertion_flags(tree, X, 2).sum())
    (2, 4)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.tree import DecisionTreeRegressor

from workshop_utils import SEED
from workshop_utils.error_analysis import leaf_rules
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, plt

__all__ = ["ASSERTION_MIN_ROWS", "RESIDUAL_TREE_DEPTH", "RESIDUAL_TREE_MIN_LEAF", "assertion_flags",
           "assertion_report", "fit_residual_tree", "leaf_table", "plot_leaf_losses", "worst_leaf"]

RESIDUAL_TREE_DEPTH = 3
"""Depth of the residual tree: at most eight leaves, each a rule of at most three conditions."""

RESIDUAL_TREE_MIN_LEAF = 100
"""Fewest rows the tree may put in a leaf."""

ASSERTION_MIN_ROWS = 200
"""Fewest rows (where the tree was fitted) a leaf needs before it can become the assertion: a
smaller leaf's mean residual is too noisy to act on."""


def fit_residual_tree(X: pd.DataFrame, residual: Iterable[float], max_depth: int = RESIDUAL_TREE_DEPTH,
                      min_samples_leaf: int = RESIDUAL_TREE_MIN_LEAF, seed: int = SEED) -> DecisionTreeRegressor:
    """A seeded scikit-learn regression tree (squared error) that predicts each row's residual from
    the columns of ``X``: each leaf's value is the mean residual of its rows."""
    tree = DecisionTreeRegressor(max_depth=max_depth, min_samples_leaf=min_samples_leaf, random_state=seed)
    return tree.fit(X, np.asarray(residual, dtype=float).ravel())


def leaf_table(tree: DecisionTreeRegressor, X: pd.DataFrame, residual: Iterable[float]) -> pd.DataFrame:
    """One row per leaf of ``tree`` (index: leaf id; every leaf, even one no row of ``X`` reaches):
    its ``rule``, the ``rows`` of ``X`` in it and their ``mean residual`` (NaN for no rows),
    highest mean first."""
    leaves = tree.apply(X[list(tree.feature_names_in_)])
    residual = pd.Series(np.asarray(residual, dtype=float).ravel())
    stats = residual.groupby(leaves).agg(["size", "mean"])
    rules = leaf_rules(tree)
    table = pd.DataFrame({"rule": pd.Series(rules)}, index=pd.Index(list(rules), name="leaf"))
    table["rows"] = stats["size"].reindex(table.index).fillna(0).astype(int)
    table["mean residual"] = stats["mean"].reindex(table.index)
    return table.sort_values("mean residual", ascending=False, kind="stable", na_position="last")


def worst_leaf(table: pd.DataFrame, min_rows: int = ASSERTION_MIN_ROWS) -> int:
    """The id of the leaf with the highest mean residual among those with at least ``min_rows``
    rows in a :func:`leaf_table` (the first such leaf on a tie).

    >>> worst_leaf(pd.DataFrame({"rows": [50, 300, 900], "mean residual": [2.0, 0.7, 0.3]}, index=[4, 7, 9]), 100)
    7
    """
    eligible = table[table["rows"] >= min_rows]
    if eligible.empty:
        raise ValueError(f"no leaf has {min_rows} rows or more")
    return int(eligible["mean residual"].idxmax())


def assertion_flags(tree: DecisionTreeRegressor, X: pd.DataFrame, leaf: int) -> np.ndarray:
    """The assertion at scoring time: True for each row of ``X`` that falls in ``leaf`` (that
    matches the leaf's rule)."""
    return tree.apply(X[list(tree.feature_names_in_)]) == leaf


def assertion_report(y_true: Iterable[int], probability: Iterable[float], flags: Iterable[bool],
                     cutoff: float = 0.5) -> pd.DataFrame:
    """The rows the assertion flags, the rows it lets through (what the model still scores when the
    flagged rows go to a person) and all rows: their ``rows``, ``default rate``, ``mean
    prediction``, ``logloss``, ``error rate`` at ``cutoff`` and ``AUC`` (NaN with one outcome).

    >>> report = assertion_report([1, 0, 1, 0], [0.2, 0.1, 0.9, 0.3], [True, True, False, False])
    >>> report[["rows", "error rate"]].to_dict("index")
    {'flagged': {'rows': 2, 'error rate': 0.5}, 'not flagged': {'rows': 2, 'error rate': 0.0}, 'all': {'rows': 4, 'error rate': 0.25}}
    """
    actual = np.asarray(y_true, dtype=int).ravel()
    p = np.asarray(probability, dtype=float).ravel()
    flagged = np.asarray(flags, dtype=bool).ravel()
    rows = {}
    for name, mask in (("flagged", flagged), ("not flagged", ~flagged), ("all", np.ones_like(flagged))):
        outcome, score = actual[mask], p[mask]
        two_outcomes = len(np.unique(outcome)) == 2
        rows[name] = {"rows": int(mask.sum()), "default rate": outcome.mean(), "mean prediction": score.mean(),
                      "logloss": log_loss(outcome, score, labels=[0, 1]) if mask.any() else np.nan,
                      "error rate": np.mean((score >= cutoff).astype(int) != outcome),
                      "AUC": roc_auc_score(outcome, score) if two_outcomes else np.nan}
    table = pd.DataFrame(rows).T
    table["rows"] = table["rows"].astype(int)
    return table


def plot_leaf_losses(fitted: pd.DataFrame, scored: pd.DataFrame, leaf: int, min_rows: int, title: str) -> Figure:
    """Each leaf's mean residual where the tree was fitted (``fitted``) and on new rows
    (``scored``), two :func:`leaf_table` tables; the assertion's ``leaf`` in red, leaves with
    fewer than ``min_rows`` fitted rows hatched. Bars are labelled by leaf id and fitted rows."""
    order = fitted.index[::-1]
    positions = np.arange(len(order))
    figure, axes = plt.subplots(figsize=(7, 0.45 * len(order) + 1.6))
    colours = [RISK_UP if node == leaf else RISK_DOWN for node in order]
    hatches = ["//" if fitted.loc[node, "rows"] < min_rows else "" for node in order]
    bars = axes.barh(positions + 0.2, fitted.loc[order, "mean residual"], height=0.4, color=colours,
                     label="rows the tree was fitted on")
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    axes.barh(positions - 0.2, scored["mean residual"].reindex(order), height=0.4, color=NEUTRAL, alpha=0.6,
              label="new rows")
    axes.set_yticks(positions, [f"leaf {node} ({fitted.loc[node, 'rows']:,} rows)" for node in order])
    axes.set(title=title, xlabel=f"mean logloss residual (red: the assertion; hatched: < {min_rows} rows)")
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    return figure
