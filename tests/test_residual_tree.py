"""The residual tree as a guard: leaf means against scikit-learn's own leaf values and a
brute-force evaluation of each leaf's rule, the assertion against the rule, and the report
against scikit-learn's metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.metrics import log_loss, roc_auc_score

from workshop_utils import data, residual_tree
from workshop_utils.residuals import logloss_residuals
from workshop_utils.xgboost_models import predict_default


@pytest.fixture(scope="module")
def fitted(parts, model):
    predict = predict_default(model)
    X = parts.valid[data.MODEL_INPUTS]
    residual = pd.Series(logloss_residuals(parts.valid[data.TARGET], predict(parts.valid)), index=X.index)
    return X, residual, residual_tree.fit_residual_tree(X, residual), predict


def rule_mask(rule: str, X: pd.DataFrame) -> np.ndarray:
    """Brute force: the rows of ``X`` that satisfy a written rule."""
    return X.eval(rule.replace(",", "")).to_numpy()


def test_leaf_means_are_scikit_learns_leaf_values_and_the_rules_brute_force(fitted):
    X, residual, tree, _ = fitted
    table = residual_tree.leaf_table(tree, X, residual)
    assert len(table) == tree.get_n_leaves() and table["rows"].sum() == len(X)
    assert np.allclose(table["mean residual"], tree.tree_.value[table.index, 0, 0])
    for _, row in table.iterrows():
        mask = rule_mask(row["rule"], X)
        assert mask.sum() == row["rows"]
        assert np.isclose(residual[mask].mean(), row["mean residual"])
    assert table["mean residual"].is_monotonic_decreasing


def test_the_assertion_flags_exactly_the_rows_matching_the_worst_eligible_leaf(fitted, parts):
    X, residual, tree, _ = fitted
    table = residual_tree.leaf_table(tree, X, residual)
    leaf = residual_tree.worst_leaf(table, residual_tree.ASSERTION_MIN_ROWS)
    eligible = table[table["rows"] >= residual_tree.ASSERTION_MIN_ROWS]
    assert table.loc[leaf, "mean residual"] == eligible["mean residual"].max()
    flags = residual_tree.assertion_flags(tree, parts.test, leaf)
    assert np.array_equal(flags, rule_mask(table.loc[leaf, "rule"], parts.test[data.MODEL_INPUTS]))
    with pytest.raises(ValueError):
        residual_tree.worst_leaf(table, len(X) + 1)


def test_a_planted_bad_region_is_found():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.random(2000), "b": rng.random(2000)})
    bad = (X["a"] > 0.7) & (X["b"] < 0.3)
    residual = np.where(bad, 2.0, 0.2) + rng.normal(0, 0.05, 2000)
    tree = residual_tree.fit_residual_tree(X, residual, max_depth=2, min_samples_leaf=20)
    leaf = residual_tree.worst_leaf(residual_tree.leaf_table(tree, X, residual), 50)
    assert (residual_tree.assertion_flags(tree, X, leaf) == bad).mean() > 0.99


def test_the_report_agrees_with_scikit_learn(fitted, parts):
    X, residual, tree, predict = fitted
    leaf = residual_tree.worst_leaf(residual_tree.leaf_table(tree, X, residual))
    flags = residual_tree.assertion_flags(tree, parts.test, leaf)
    y, p = parts.test[data.TARGET].to_numpy(), predict(parts.test)
    report = residual_tree.assertion_report(y, p, flags)
    for name, mask in (("flagged", flags), ("not flagged", ~flags), ("all", np.ones_like(flags))):
        assert report.loc[name, "rows"] == mask.sum()
        assert np.isclose(report.loc[name, "logloss"], log_loss(y[mask], p[mask]))
        assert np.isclose(report.loc[name, "AUC"], roc_auc_score(y[mask], p[mask]))
        assert np.isclose(report.loc[name, "error rate"], np.mean((p[mask] >= 0.5) != y[mask]))
    assert np.isnan(residual_tree.assertion_report([1, 1], [0.2, 0.4], [True, False]).loc["flagged", "AUC"])


def test_the_leaf_plot_fits_a_slide(fitted, parts):
    X, residual, tree, predict = fitted
    fitted_table = residual_tree.leaf_table(tree, X, residual)
    test_residual = logloss_residuals(parts.test[data.TARGET], predict(parts.test))
    scored = residual_tree.leaf_table(tree, parts.test, test_residual)
    figure = residual_tree.plot_leaf_losses(fitted_table, scored, residual_tree.worst_leaf(fitted_table), 200, "t")
    assert isinstance(figure, Figure) and figure.get_size_inches()[0] <= 7.2
