"""Global surrogate models: a shallow decision tree trained to mimic a complex model.

The tree learns the complex model's *predictions* (not the true target), so its splits show
the main structure the complex model learned. Its fidelity is the R² between its output and
the complex model's predictions on rows neither model was trained on: only a faithful
surrogate is worth reading.

Example:
    >>> import pandas as pd
    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "z": [5.0, 1.0, 4.0, 2.0]})
    >>> blackbox = pd.Series([0.1, 0.1, 0.8, 0.8])
    >>> tree = fit_surrogate(X, blackbox, max_depth=1, min_samples_leaf=1)
    >>> split_rules(tree)["rule"].tolist()
    ['x <= 1.5']
    >>> fidelity(tree, X, blackbox)
    1.0
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import r2_score
from sklearn.tree import DecisionTreeRegressor, plot_tree

from workshop_utils import SEED
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, plt

__all__ = ["MIN_LEAF", "SURROGATE_DEPTH", "compare_importance", "fidelity", "fidelity_by_depth",
           "fit_surrogate", "h2o_importance", "leaf_fidelity", "leaf_rules", "plot_fidelity_by_depth",
           "plot_importance_comparison", "plot_surrogate_tree", "split_rules", "tree_importance"]

SURROGATE_DEPTH = 3
"""Depth of the lesson's surrogate tree: eight leaves, still legible on one slide."""

MIN_LEAF = 50
"""Fewest training rows in a surrogate leaf, so no leaf describes a handful of customers."""


def fit_surrogate(X: pd.DataFrame, predictions: Sequence[float], max_depth: int = SURROGATE_DEPTH,
                  min_samples_leaf: int = MIN_LEAF, seed: int = SEED) -> DecisionTreeRegressor:
    """A seeded scikit-learn regression tree trained to reproduce ``predictions`` (the complex
    model's output for the rows of ``X``) from the columns of ``X``."""
    tree = DecisionTreeRegressor(max_depth=max_depth, min_samples_leaf=min_samples_leaf,
                                 random_state=seed)
    return tree.fit(X, np.asarray(predictions, dtype=float))


def fidelity(tree: DecisionTreeRegressor, X: pd.DataFrame, predictions: Sequence[float]) -> float:
    """The surrogate's R² (scikit-learn's ``r2_score``) against the complex model's
    ``predictions`` for the rows of ``X``: 1 is a perfect copy, 0 no better than their mean."""
    return float(r2_score(np.asarray(predictions, dtype=float), tree.predict(X[list(tree.feature_names_in_)])))


def fidelity_by_depth(X_train: pd.DataFrame, train_predictions: Sequence[float],
                      X_held: pd.DataFrame, held_predictions: Sequence[float],
                      depths: Iterable[int] = range(1, 9), **tree_args: object) -> pd.Series:
    """Held-out fidelity of a surrogate of each depth: how much each extra level buys.

    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    >>> fidelity_by_depth(X, [0, 0, 1, 2], X, [0, 0, 1, 2], [1, 2], min_samples_leaf=1).tolist()
    [0.8181818181818181, 1.0]
    """
    scores = {depth: fidelity(fit_surrogate(X_train, train_predictions, depth, **tree_args),
                              X_held, held_predictions) for depth in depths}
    return pd.Series(scores, name="held-out R²").rename_axis("max_depth")


def tree_importance(tree: DecisionTreeRegressor) -> pd.Series:
    """Each input's share of the tree's total squared-error reduction, largest first (inputs
    the tree never splits on get 0)."""
    shares = pd.Series(tree.feature_importances_, index=list(tree.feature_names_in_), dtype=float)
    return shares.sort_values(ascending=False, kind="stable")


def h2o_importance(model: object) -> pd.Series:
    """An H2O tree model's variable importance (its split-gain ``percentage``), largest first."""
    table = model.varimp(use_pandas=True)
    return table.set_index("variable")["percentage"].astype(float).rename_axis(None)


def split_rules(tree: DecisionTreeRegressor) -> pd.DataFrame:
    """One row per split of the tree, top down: depth, input, threshold, the rule a row must
    meet to go left, and the share of training rows that reach the split."""
    inner, names = tree.tree_, list(tree.feature_names_in_)
    rows, stack = [], [(0, 0)]
    while stack:
        node, depth = stack.pop()
        if inner.children_left[node] == -1:
            continue
        name, threshold = names[inner.feature[node]], float(inner.threshold[node])
        rows.append({"depth": depth, "input": name, "threshold": threshold,
                     "rule": f"{name} <= {threshold:,.6g}",
                     "share_of_rows": inner.n_node_samples[node] / inner.n_node_samples[0]})
        stack += [(inner.children_right[node], depth + 1), (inner.children_left[node], depth + 1)]
    return pd.DataFrame(rows, columns=["depth", "input", "threshold", "rule", "share_of_rows"])


def leaf_rules(tree: DecisionTreeRegressor) -> dict[int, str]:
    """Each leaf's node id and the conditions a row meets to reach it, top down, joined by ", ".

    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    >>> leaf_rules(fit_surrogate(X, [0, 0, 1, 1], max_depth=1, min_samples_leaf=1))
    {1: 'x <= 1.5', 2: 'x > 1.5'}
    """
    inner, names = tree.tree_, list(tree.feature_names_in_)
    rules: dict[int, str] = {}
    stack: list[tuple[int, list[str]]] = [(0, [])]
    while stack:
        node, path = stack.pop()
        if inner.children_left[node] == -1:
            rules[int(node)] = ", ".join(path) or "all rows"
            continue
        name, threshold = names[inner.feature[node]], float(inner.threshold[node])
        stack += [(inner.children_right[node], [*path, f"{name} > {threshold:,.6g}"]),
                  (inner.children_left[node], [*path, f"{name} <= {threshold:,.6g}"])]
    return dict(sorted(rules.items()))


def leaf_fidelity(tree: DecisionTreeRegressor, X: pd.DataFrame, predictions: Sequence[float]) -> pd.DataFrame:
    """Where the surrogate is unfaithful: one row per leaf (its rule) with the share of the rows
    of ``X`` in it, its share of the tree's total squared difference from ``predictions`` (the
    numerator of 1 - R²; the shares add up to 1) and its root mean squared difference; leaves
    in the tree's left-to-right order.

    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    >>> tree = fit_surrogate(X, [0.0, 0.2, 1.0, 1.0], max_depth=1, min_samples_leaf=1)
    >>> leaf_fidelity(tree, X, [0.0, 0.2, 1.0, 1.0]).round(2).to_dict("list")
    {'rule': ['x <= 1.5', 'x > 1.5'], 'share_of_rows': [0.5, 0.5], 'share_of_gap': [1.0, 0.0], 'rmse': [0.1, 0.0]}
    """
    rules = leaf_rules(tree)
    columns = X[list(tree.feature_names_in_)]
    squared = pd.Series((np.asarray(predictions, dtype=float) - tree.predict(columns)) ** 2)
    groups = squared.groupby(tree.apply(columns))
    table = pd.DataFrame({"rule": pd.Series(rules), "share_of_rows": groups.size() / len(squared),
                          "share_of_gap": groups.sum() / squared.sum(), "rmse": np.sqrt(groups.mean())})
    return table.fillna({"share_of_rows": 0.0, "share_of_gap": 0.0}).rename_axis("leaf")


def compare_importance(sources: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Several importance measures side by side, each rescaled to shares summing to 1 and
    ranked; rows ordered by the first measure.

    >>> table = compare_importance({"gbm": pd.Series({"a": 3.0, "b": 1.0}),
    ...                             "tree": pd.Series({"a": 0.0, "b": 2.0})})
    >>> table.to_dict("list")
    {'gbm': [0.75, 0.25], 'tree': [0.0, 1.0], 'gbm rank': [1, 2], 'tree rank': [2, 1]}
    """
    shares = pd.DataFrame({name: values / values.sum() for name, values in sources.items()})
    shares = shares.fillna(0.0).sort_values(next(iter(sources)), ascending=False, kind="stable")
    for name in sources:
        shares[f"{name} rank"] = shares[name].rank(ascending=False, method="min").astype(int)
    return shares


def plot_surrogate_tree(tree: DecisionTreeRegressor, title: str, fontsize: int = 11) -> Figure:
    """The tree drawn with matplotlib: each box shows its split, its share of the training rows
    and the mean predicted probability of the rows in it (redder is riskier)."""
    figure, axes = plt.subplots(figsize=(15, 1.9 * (tree.get_depth() + 1)))
    boxes = plot_tree(tree, feature_names=list(tree.feature_names_in_), filled=False,
                      impurity=False, proportion=True, rounded=True, precision=3,
                      fontsize=fontsize, ax=axes)
    means = tree.tree_.value.ravel()
    for box in boxes:
        text = box.get_text().replace("samples", "rows").replace("value", "mean p")
        found = re.search(r"mean p = ([-0-9.e]+)", text)
        if found is None:  # the "True" / "False" labels on the first two arrows
            continue
        mean = float(found.group(1))
        shade = plt.cm.Reds(float(np.interp(mean, (means.min(), means.max()), (0.05, 0.55))))
        box.set_text(text)
        box.set_bbox({"boxstyle": "round", "facecolor": shade, "edgecolor": NEUTRAL})
    axes.set_title(title, fontsize=fontsize + 3)
    figure.tight_layout()
    return figure


def plot_fidelity_by_depth(scores: pd.Series, chosen: int) -> Figure:
    """Held-out R² against tree depth, with the chosen depth marked."""
    figure, axes = plt.subplots(figsize=(6, 3.5))
    axes.plot(scores.index, scores.to_numpy(), marker="o", color=RISK_DOWN)
    axes.scatter([chosen], [scores[chosen]], s=140, facecolors="none", edgecolors=RISK_UP,
                 linewidths=2, zorder=3, label=f"chosen depth {chosen}: R² {scores[chosen]:.3f}")
    axes.set(xlabel="maximum depth of the surrogate tree", ylabel="R² against the GBM",
             title="Fidelity of the surrogate on validation rows", xticks=list(scores.index))
    axes.legend(loc="lower right")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def plot_importance_comparison(table: pd.DataFrame, top: int = 10,
                               title: str = "Global importance compared") -> Figure:
    """Grouped bars of the share columns of a :func:`compare_importance` table, top inputs only."""
    names = [column for column in table.columns if not column.endswith(" rank")]
    shown = table[names].head(top).iloc[::-1]
    positions = np.arange(len(shown))
    height = 0.8 / len(names)
    figure, axes = plt.subplots(figsize=(7.5, 0.45 * len(shown) + 1.5))
    colours = [RISK_DOWN, RISK_UP, "0.55", "#7d3c98"]
    for number, name in enumerate(names):
        axes.barh(positions + ((len(names) - 1) / 2 - number) * height, shown[name].to_numpy(),
                  height=height, color=colours[number % len(colours)], label=name)
    axes.set_yticks(positions, shown.index)
    axes.set(xlabel="share of total importance", title=title)
    axes.legend(loc="lower right")
    figure.tight_layout()
    return figure
