"""The benchmark GLM is scikit-learn's logistic regression on standardised inputs; paired
residual comparisons and bootstrap intervals behave as documented."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from workshop_utils import SEED, benchmark_glm, data, shapley


def test_glm_matches_logistic_regression_fitted_directly(parts):
    inputs = data.MODEL_INPUTS
    glm = benchmark_glm.fit_benchmark_glm(parts.train, inputs, data.TARGET, C=0.01)
    X = parts.train[inputs].astype(float)
    mean, std = X.mean(), X.std(ddof=0)
    direct = LogisticRegression(C=0.01, max_iter=2000, random_state=SEED).fit((X - mean) / std, parts.train[data.TARGET])
    ours = benchmark_glm.glm_probability(glm, parts.test)
    theirs = direct.predict_proba((parts.test[inputs].astype(float) - mean) / std)[:, 1]
    assert np.allclose(ours, theirs, atol=1e-6)
    assert np.allclose(benchmark_glm.glm_coefficients(glm)[inputs], direct.coef_[0], atol=1e-5)
    assert 0.70 < roc_auc_score(parts.test[data.TARGET], ours) < 0.76


def test_default_penalty_is_the_validation_choice(parts):
    scores = benchmark_glm.validation_logloss(parts.train, parts.valid, data.MODEL_INPUTS, data.TARGET)
    assert scores.idxmin() == benchmark_glm.DEFAULT_C


def test_coefficients_follow_the_inputs_and_pay_0_is_largest(parts):
    glm = benchmark_glm.fit_benchmark_glm(parts.train, data.MODEL_INPUTS, data.TARGET)
    coefficients = benchmark_glm.glm_coefficients(glm)
    assert coefficients.index.tolist() == data.MODEL_INPUTS
    by_size = shapley.largest_first(coefficients)
    assert by_size.index[0] == "PAY_0" and by_size.abs().is_monotonic_decreasing


def test_comparison_and_much_worse():
    table = benchmark_glm.compare_residuals(pd.Series([0.1, 2.5, 1.5]), pd.Series([0.2, 0.9, 1.0]), names=("a", "b"))
    assert list(table.columns) == ["a", "b", "difference"]
    assert np.allclose(table["difference"], [-0.1, 1.6, 0.5])
    assert benchmark_glm.much_worse(table, margin=1.0).index.tolist() == [1]


def test_bootstrap_interval_covers_a_known_shift():
    rng = np.random.default_rng(1)
    first = rng.normal(0.5, 1.0, 2000)
    second = first - 0.2 + rng.normal(0, 0.1, 2000)
    result = benchmark_glm.bootstrap_difference(first, second)
    assert np.isclose(result["mean"], np.mean(first - second))
    assert result["low"] < 0.2 < result["high"] and result["high"] - result["low"] < 0.02
    assert result.equals(benchmark_glm.bootstrap_difference(first, second)), "seeded"


def test_bootstrap_by_group_matches_each_group():
    first = pd.Series([1.0, 2.0, 3.0, 5.0], index=list("abcd"))
    second = pd.Series([1.0, 1.0, 1.0, 1.0], index=list("abcd"))
    groups = pd.Series(["x", "y", "x", "y"], index=list("abcd"))
    table = benchmark_glm.bootstrap_by_group(first, second, groups)
    assert table.index.tolist() == ["all", "x", "y"]
    assert table.loc["y", "mean"] == benchmark_glm.bootstrap_difference([2.0, 5.0], [1.0, 1.0])["mean"] == 2.5


def test_figures():
    table = benchmark_glm.compare_residuals(pd.Series([0.1, 2.5]), pd.Series([0.2, 0.9]))
    assert isinstance(benchmark_glm.plot_residual_comparison(table, [0, 1], margin=0.5), Figure)
    intervals = pd.DataFrame({"mean": [0.1, -0.1], "low": [0.0, -0.2], "high": [0.2, 0.0]}, index=["all", "g"])
    assert isinstance(benchmark_glm.plot_difference_intervals({"fix": intervals}, "t"), Figure)
