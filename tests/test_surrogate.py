"""The surrogate tree: fidelity agrees with scikit-learn's R², splits and importances read
straight from the fitted tree, and the figures draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.tree import export_text

from workshop_utils import data, surrogate


@pytest.fixture(scope="module")
def blackbox(parts):
    """A stand-in for a complex model's predictions: a smooth, nonlinear score of the inputs."""
    def score(frame: pd.DataFrame) -> np.ndarray:
        return 1 / (1 + np.exp(-(0.8 * frame["PAY_0"] - frame["LIMIT_BAL"] / 2e5
                                 + 0.3 * (frame["PAY_2"] > 1))))
    return score


def test_surrogate_fidelity_on_held_out_rows_is_r2_score(parts, blackbox):
    inputs = data.MODEL_INPUTS
    tree = surrogate.fit_surrogate(parts.train[inputs], blackbox(parts.train))
    held = blackbox(parts.test)
    expected = r2_score(held, tree.predict(parts.test[inputs]))
    assert surrogate.fidelity(tree, parts.test, held) == pytest.approx(expected, abs=1e-12)
    assert tree.get_depth() == surrogate.SURROGATE_DEPTH and 0.5 < expected < 1


def test_surrogate_is_deterministic_and_uses_the_input_names(parts, blackbox):
    inputs = data.MODEL_INPUTS
    one = surrogate.fit_surrogate(parts.train[inputs], blackbox(parts.train))
    two = surrogate.fit_surrogate(parts.train[inputs], blackbox(parts.train))
    assert export_text(one) == export_text(two)
    assert list(one.feature_names_in_) == inputs


def test_deeper_trees_are_at_least_as_faithful_on_a_step_function():
    X = pd.DataFrame({"x": np.arange(400.0), "noise": np.random.default_rng(1).uniform(size=400)})
    target = np.floor(X["x"] / 50)  # eight steps: a depth-3 tree can copy it exactly
    scores = surrogate.fidelity_by_depth(X, target, X, target, depths=[1, 2, 3], min_samples_leaf=1)
    assert scores.index.tolist() == [1, 2, 3] and scores.is_monotonic_increasing
    assert scores[3] == pytest.approx(1.0)


def test_leaf_rules_send_every_row_to_its_own_leaf(parts, blackbox):
    inputs = data.MODEL_INPUTS
    tree = surrogate.fit_surrogate(parts.train[inputs], blackbox(parts.train))
    rules = surrogate.leaf_rules(tree)
    leaves = tree.apply(parts.test[inputs])
    assert sorted(rules) == sorted(set(tree.apply(parts.train[inputs])))
    assert len(rules) == tree.get_n_leaves()
    X = parts.test[inputs]
    for leaf, rule in rules.items():  # evaluate the rule text with pandas: exactly the rows in the leaf
        mask = np.ones(len(X), dtype=bool)
        for condition in rule.split(", "):
            name, op, value = condition.split(" ")
            threshold = float(value.replace(",", ""))
            mask &= (X[name] <= threshold).to_numpy() if op == "<=" else (X[name] > threshold).to_numpy()
        assert np.array_equal(mask, leaves == leaf), rule


def test_leaf_fidelity_splits_the_squared_gap_by_leaf(parts, blackbox):
    inputs = data.MODEL_INPUTS
    tree = surrogate.fit_surrogate(parts.train[inputs], blackbox(parts.train))
    held = blackbox(parts.test).to_numpy()
    table = surrogate.leaf_fidelity(tree, parts.test, held)
    fitted = tree.predict(parts.test[inputs])
    leaves = tree.apply(parts.test[inputs])
    assert table.index.tolist() == sorted(surrogate.leaf_rules(tree))
    assert table["share_of_rows"].sum() == pytest.approx(1.0) and table["share_of_gap"].sum() == pytest.approx(1.0)
    total = np.sum((held - fitted) ** 2)
    assert total / np.sum((held - held.mean()) ** 2) == pytest.approx(1 - r2_score(held, fitted))
    for leaf in np.unique(leaves):
        inside = leaves == leaf
        assert table.loc[leaf, "share_of_gap"] == pytest.approx(np.sum((held - fitted)[inside] ** 2) / total)
        assert table.loc[leaf, "rmse"] == pytest.approx(np.sqrt(mean_squared_error(held[inside], fitted[inside])))
        assert table.loc[leaf, "share_of_rows"] == pytest.approx(inside.mean())


def test_split_rules_list_every_internal_node_top_down(parts, blackbox):
    inputs = data.MODEL_INPUTS
    tree = surrogate.fit_surrogate(parts.train[inputs], blackbox(parts.train))
    rules = surrogate.split_rules(tree)
    inner = tree.tree_
    assert len(rules) == int((inner.children_left != -1).sum())
    root = rules.iloc[0]
    assert root["depth"] == 0 and root["share_of_rows"] == 1.0
    assert root["input"] == inputs[inner.feature[0]] and root["threshold"] == inner.threshold[0]
    assert rules["depth"].max() == tree.get_depth() - 1
    assert set(rules["input"]) == set(surrogate.tree_importance(tree).loc[lambda s: s > 0].index)


def test_tree_importance_is_scikit_learns_feature_importance(parts, blackbox):
    inputs = data.MODEL_INPUTS
    tree = surrogate.fit_surrogate(parts.train[inputs], blackbox(parts.train))
    importance = surrogate.tree_importance(tree)
    assert importance.is_monotonic_decreasing and importance.sum() == pytest.approx(1.0)
    assert importance.reindex(inputs).to_numpy() == pytest.approx(tree.feature_importances_)


def test_h2o_importance_reads_the_percentage_column():
    class FakeModel:
        def varimp(self, use_pandas):
            assert use_pandas
            return pd.DataFrame({"variable": ["b", "a"], "relative_importance": [3.0, 1.0],
                                 "scaled_importance": [1.0, 1 / 3], "percentage": [0.75, 0.25]})

    assert surrogate.h2o_importance(FakeModel()).to_dict() == {"b": 0.75, "a": 0.25}


def test_compare_importance_rescales_and_ranks():
    table = surrogate.compare_importance({"gbm": pd.Series({"a": 1.0, "b": 3.0, "c": 0.0}),
                                          "tree": pd.Series({"b": 0.2, "c": 0.8})})
    assert table.index.tolist() == ["b", "a", "c"]
    assert table["gbm"].sum() == pytest.approx(1) and table["tree"].sum() == pytest.approx(1)
    assert table.loc["a", "tree"] == 0.0, "an input a measure leaves out gets share 0"
    assert table["tree rank"].to_dict() == {"b": 2, "a": 3, "c": 1}


def test_figures_draw(parts, blackbox):
    inputs = data.MODEL_INPUTS
    tree = surrogate.fit_surrogate(parts.train[inputs], blackbox(parts.train))
    figure = surrogate.plot_surrogate_tree(tree, "Surrogate")
    texts = " ".join(t.get_text() for t in figure.axes[0].texts)
    assert "PAY_0 <=" in texts and "mean p" in texts and "rows" in texts
    scores = pd.Series({1: 0.6, 2: 0.8, 3: 0.85})
    assert surrogate.plot_fidelity_by_depth(scores, 3).axes
    table = surrogate.compare_importance({"a": surrogate.tree_importance(tree)})
    assert surrogate.plot_importance_comparison(table).axes
