"""Error analysis: find the cohorts where a model's decisions are wrong most often.

A shallow decision tree learns to predict *whether a decision is wrong* from the inputs
(demographics included). Each leaf is a cohort, described by the rules on its path; its
**error rate** is the share of its rows that are wrong, and its **error coverage** is its share
of all the wrong decisions. A cohort worth fixing has both: a high rate and a large coverage.

Example:
    >>> import pandas as pd
    >>> X = pd.DataFrame({"x": [0, 1, 2, 3, 4, 5, 6, 7]})
    >>> wrong = [0, 0, 0, 0, 1, 1, 1, 0]
    >>> tree = fit_error_tree(X, wrong, max_depth=1, min_samples_leaf=1)
    >>> cohorts(tree, X, wrong)[["rule", "n", "errors", "error rate", "error coverage"]]  # doctest: +NORMALIZE_WHITESPACE
         rule  n  errors  error rate  error coverage
    leaf
    2     x > 3.5  4       3        0.75             1.0
    1    x <= 3.5  4       0        0.00             0.0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from sklearn.tree import DecisionTreeClassifier, plot_tree

from workshop_utils import SEED
from workshop_utils.imbalance import draw_rate_grid
from workshop_utils.plots import NEUTRAL, plt

__all__ = ["ERROR_TREE_DEPTH", "ERROR_TREE_MIN_LEAF", "cohorts", "error_heatmap", "fit_error_tree",
           "leaf_rules", "plot_error_heatmap", "plot_error_tree", "wrong_decisions"]

ERROR_TREE_DEPTH = 3
"""Depth of the error tree: at most eight cohorts, each described by three rules."""

ERROR_TREE_MIN_LEAF = 150
"""Fewest rows in a cohort, so that its error rate is more than noise."""


def wrong_decisions(y_true: Iterable, decisions: Iterable) -> np.ndarray:
    """1 where a decision differs from what happened, else 0.

    >>> wrong_decisions([1, 0, 1], [1, 1, 0]).tolist()
    [0, 1, 1]
    """
    return (np.asarray(y_true).ravel() != np.asarray(decisions).ravel()).astype(int)


def fit_error_tree(X: pd.DataFrame, wrong: Iterable, max_depth: int = ERROR_TREE_DEPTH,
                   min_samples_leaf: int = ERROR_TREE_MIN_LEAF, seed: int = SEED) -> DecisionTreeClassifier:
    """A seeded scikit-learn classification tree that predicts ``wrong`` (1 = a wrong decision)
    from the columns of ``X``."""
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=min_samples_leaf, random_state=seed)
    return tree.fit(X, np.asarray(wrong).ravel().astype(int))


def leaf_rules(tree: DecisionTreeClassifier) -> dict[int, str]:
    """Each leaf's node id and the rules on its path from the root, joined by "and"; a rule that
    narrows one already on the path replaces it (``x <= 5 and x <= 3`` reads ``x <= 3``).

    >>> import pandas as pd
    >>> tree = fit_error_tree(pd.DataFrame({"x": [0, 1, 2, 3]}), [0, 0, 1, 1], 1, 1)
    >>> leaf_rules(tree)
    {1: 'x <= 1.5', 2: 'x > 1.5'}
    """
    inner, names = tree.tree_, list(tree.feature_names_in_)
    rules: dict[int, str] = {}
    stack: list[tuple[int, dict[tuple[str, str], float]]] = [(0, {})]
    while stack:
        node, path = stack.pop()
        left, right = inner.children_left[node], inner.children_right[node]
        if left == -1:
            rules[int(node)] = " and ".join(f"{name} {sign} {value:,.6g}" for (name, sign), value in path.items()) or "all rows"
            continue
        name, threshold = names[inner.feature[node]], float(inner.threshold[node])
        stack.append((right, {**path, (name, ">"): threshold}))
        stack.append((left, {**path, (name, "<="): threshold}))
    return dict(sorted(rules.items()))


def cohorts(tree: DecisionTreeClassifier, X: pd.DataFrame, wrong: Iterable) -> pd.DataFrame:
    """One row per leaf of ``tree`` reached by the rows of ``X`` (index: leaf id): its ``rule``,
    rows ``n``, ``errors``, ``error rate`` (errors / n) and ``error coverage`` (its errors / all
    errors), highest error rate first (ties: larger coverage first)."""
    wrong = np.asarray(wrong).ravel().astype(int)
    leaves = tree.apply(X[list(tree.feature_names_in_)])
    counts = pd.DataFrame({"leaf": leaves, "wrong": wrong}).groupby("leaf")["wrong"].agg(["size", "sum"])
    rules = leaf_rules(tree)
    table = pd.DataFrame({"rule": [rules[leaf] for leaf in counts.index], "n": counts["size"],
                          "errors": counts["sum"]}, index=counts.index.rename("leaf"))
    table["error rate"] = table["errors"] / table["n"]
    table["error coverage"] = table["errors"] / max(int(wrong.sum()), 1)
    return table.sort_values(["error rate", "error coverage"], ascending=False, kind="stable")


def error_heatmap(X: pd.DataFrame, wrong: Iterable, rows: str, columns: str,
                  column_bins: int | Sequence[float] = 5) -> pd.DataFrame:
    """Error rate over two inputs: one row per value of ``rows`` (taken as it is: a code such as
    PAY_0), one column per quantile bin of ``columns`` (``column_bins`` bins, or the edges
    given). A second level of columns, ``n``, holds the row counts.

    >>> X = pd.DataFrame({"a": [0, 0, 1, 1], "b": [1.0, 9.0, 1.0, 9.0]})
    >>> error_heatmap(X, [1, 0, 0, 0], "a", "b", [0, 5, 10])["error rate"].to_numpy().tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    binned = (pd.qcut(X[columns], column_bins, duplicates="drop") if isinstance(column_bins, int)
              else pd.cut(X[columns], column_bins, include_lowest=True))
    wrong = pd.Series(np.asarray(wrong).ravel().astype(int), index=X.index)
    grouped = wrong.groupby([X[rows], binned], observed=True)
    return pd.concat({"error rate": grouped.mean().unstack(), "n": grouped.size().unstack()}, axis=1)


def plot_error_tree(tree: DecisionTreeClassifier, X: pd.DataFrame, wrong: Iterable, title: str,
                    fontsize: int = 9) -> Figure:
    """The error tree drawn with matplotlib: every box shows its split (or, for a leaf, that it
    is a cohort), its rows, error rate and error coverage on the rows of ``X``; redder boxes
    have higher error rates."""
    wrong = np.asarray(wrong).ravel().astype(int)
    paths = tree.decision_path(X[list(tree.feature_names_in_)])
    rows = np.asarray(paths.sum(axis=0)).ravel()
    errors = np.asarray(paths.T @ wrong).ravel()
    rate = np.divide(errors, rows, out=np.zeros(len(rows)), where=rows > 0)
    coverage = errors / max(int(wrong.sum()), 1)
    figure, axes = plt.subplots(figsize=(13, 1.75 * (tree.get_depth() + 1)))
    boxes = plot_tree(tree, feature_names=list(tree.feature_names_in_), impurity=False, rounded=True,
                      fontsize=fontsize, ax=axes)
    shades = Normalize(vmin=float(rate.min()), vmax=float(rate.max()))
    inner, nodes = tree.tree_, iter(range(tree.tree_.node_count))
    for box in boxes:
        if "samples" not in box.get_text():  # the "True" / "False" labels on the first arrows
            continue
        node = next(nodes)
        first = box.get_text().splitlines()[0] if inner.children_left[node] != -1 else f"cohort {node}"
        box.set_text(f"{first}\nrows {rows[node]:,}\nerror rate {rate[node]:.1%}\ncoverage {coverage[node]:.1%}")
        box.set_bbox({"boxstyle": "round", "edgecolor": NEUTRAL,
                      "facecolor": plt.cm.Reds(0.05 + 0.6 * float(shades(rate[node])))})
    axes.set_title(title, fontsize=fontsize + 3)
    figure.tight_layout()
    return figure


def plot_error_heatmap(table: pd.DataFrame, title: str, min_rows: int = 30) -> Figure:
    """An :func:`error_heatmap` table drawn: cells coloured by error rate and labelled with the
    rate and rows; cells with fewer than ``min_rows`` rows are left blank (too few to judge)."""
    rates = table["error rate"].where(table["n"] >= min_rows)
    figure, axes = plt.subplots(figsize=(8, 0.45 * len(rates) + 1.8))
    image = draw_rate_grid(axes, rates, table["n"], (0.0, 0.8), "{rate:.0%} (n={n})")
    axes.set_title(f"{title}\nblank: fewer than {min_rows} rows", fontsize=10)
    figure.colorbar(image, ax=axes, label="error rate", format="{x:.0%}")
    figure.tight_layout()
    return figure
