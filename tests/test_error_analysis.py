"""Error analysis: cohorts against a brute-force count of each leaf's rule, the tree against
scikit-learn's own reading of it, and the heat map against pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workshop_utils import cutoffs, data, error_analysis
from workshop_utils.xgboost_models import predict_default


@pytest.fixture(scope="module")
def errors(parts, model):
    predict = predict_default(model)
    cutoff, _ = cutoffs.best_f1_cutoff(parts.valid[data.TARGET], predict(parts.valid))
    X = parts.test[data.MODEL_INPUTS + data.DEMOGRAPHICS]
    wrong = error_analysis.wrong_decisions(parts.test[data.TARGET], cutoffs.decide(predict(parts.test), cutoff))
    return X, wrong


def test_wrong_decisions_counts_disagreements():
    assert error_analysis.wrong_decisions([1, 1, 0, 0], [1, 0, 1, 0]).tolist() == [0, 1, 1, 0]


def test_every_cohort_matches_a_brute_force_count_of_its_rule(errors):
    X, wrong = errors
    tree = error_analysis.fit_error_tree(X, wrong)
    table = error_analysis.cohorts(tree, X, wrong)
    leaves = tree.apply(X)
    assert table["n"].sum() == len(X) and table["errors"].sum() == wrong.sum()
    assert table["error coverage"].sum() == pytest.approx(1.0)
    for leaf, line in table.iterrows():
        by_rule = X.eval(line["rule"].replace(",", "")).to_numpy()
        assert (by_rule == (leaves == leaf)).all(), line["rule"]
        assert line["n"] == by_rule.sum()
        assert line["errors"] == wrong[by_rule].sum()
        assert line["error rate"] == pytest.approx(wrong[by_rule].mean())
        assert line["error coverage"] == pytest.approx(wrong[by_rule].sum() / wrong.sum())
    assert table["error rate"].is_monotonic_decreasing
    assert table["error rate"].iloc[0] > wrong.mean()


def test_cohorts_agree_with_the_trees_own_leaf_values(errors):
    """scikit-learn stores each leaf's share of class 1 among its training rows: the error rate."""
    X, wrong = errors
    tree = error_analysis.fit_error_tree(X, wrong)
    table = error_analysis.cohorts(tree, X, wrong)
    stored = tree.tree_.value[table.index.to_numpy(), 0, 1]
    assert np.allclose(table["error rate"].to_numpy(), stored)


def test_leaf_rules_narrow_repeated_splits():
    X = pd.DataFrame({"x": np.arange(40.0)})
    wrong = (X["x"] < 10).astype(int)
    tree = error_analysis.fit_error_tree(X, wrong, max_depth=3, min_samples_leaf=2)
    for rule in error_analysis.leaf_rules(tree).values():
        assert rule.count("x <=") <= 1 and rule.count("x >") <= 1


def test_error_heatmap_matches_pandas(errors):
    X, wrong = errors
    table = error_analysis.error_heatmap(X, wrong, "PAY_0", "LIMIT_BAL", 5)
    bins = pd.qcut(X["LIMIT_BAL"], 5, duplicates="drop")
    expected = pd.crosstab(X["PAY_0"], bins, values=wrong, aggfunc="mean")
    assert np.allclose(table["error rate"].to_numpy(dtype=float), expected.to_numpy(dtype=float), equal_nan=True)
    assert table["n"].sum().sum() == len(X)


def test_figures_draw(errors):
    X, wrong = errors
    tree = error_analysis.fit_error_tree(X, wrong)
    figure = error_analysis.plot_error_tree(tree, X, wrong, "errors")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert sum("error rate" in t for t in texts) == tree.tree_.node_count
    assert error_analysis.plot_error_heatmap(error_analysis.error_heatmap(X, wrong, "PAY_0", "LIMIT_BAL"), "h").axes
